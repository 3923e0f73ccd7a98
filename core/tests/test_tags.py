"""The tag field's parser (TAGGIT_TAGS_FROM_STRING): a lone multi-word tag stays whole
without quotes; anything with a comma or quotes parses exactly as taggit does."""

import pytest
from taggit.utils import _parse_tags, parse_tags

pytestmark = pytest.mark.embedded


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        ("Yên Phong", ["Yên Phong"]),
        ("  nông thôn mới ", ["nông thôn mới"]),
        ("chuyển đổi số", ["chuyển đổi số"]),
        ("", []),
        ("Yên Phong,nông thôn mới", ["nông thôn mới", "Yên Phong"]),
        ('"Yên Phong","nông"', ["nông", "Yên Phong"]),
    ],
)
def test_tags_are_read_as_typed(typed, tags):
    assert sorted(parse_tags(typed)) == sorted(tags)


@pytest.mark.parametrize(
    "typed",
    ['"Yên Phong","nông"', "a, b c", 'one "two three", four', "x,,y", '"a,b", c'],
)
def test_strings_with_commas_or_quotes_parse_as_in_taggit(typed):
    assert parse_tags(typed) == _parse_tags(typed)
