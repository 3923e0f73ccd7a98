"""The snippet's fast path gives the HTML of the word-by-word snippet.

``search.text.snippet`` finds a query's words with regular expressions over the written
text (a snippet is built for every hit of every result page, and tokenizing and folding
each hit's whole text cost most of it); ``snippet_by_words`` is the reference it is held
to here, on generated articles and on texts built to reach each of its branches."""

import random

import pytest

from bench.search import corpus
from search import semantics
from search.items import body_parts
from search.text import _UNSAFE_RE, _word_patterns, parse_query, snippet
from search.text import snippet_by_words as reference

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]

QUERIES = [
    "hội nghị",
    "Hội nghị",
    "hoi nghi",
    "nghị hội",
    "dai hoi",
    '"đại hội"',
    "Ký kết",
    "ky ket",
    "hòa giải",
    "thi",
    "UBND tỉnh",
    "Ủy ban nhân dân tỉnh",
    "KT-XH",
    "kinh tế xã hội",
    "Trần Van Bình",
    "nông thôn mới là gì",
    "thủ tục cấp giấy chứng nhận quyền sử dụng đất như thế nào",
    '"bão số 3" Quảng Ninh',
    "Minh Thu",
    "a",
    "x y",
    "straße",
]

# Each reaches a branch: no token, words at either end, a phrase cut by punctuation or
# by "_" (not part of a token), a phrase and its words apart, upper case, old tone
# placement, letters the fast path does not read (the reference answers those), long
# gaps between matches, long words, and a match after a long run of words.
TEXTS = [
    "",
    "   ",
    "!! …",
    "a",
    " a ",
    "__x__ y_z x y",
    "Hội nghị, (UBND) tỉnh: KT-XH 2020.",
    "Ho\u0300a bi\u0300nh ho\u0300a giải",
    "hội_nghị hội-nghị hội nghị",
    "nghị hội nghị hội nghị",
    "HỘI NGHỊ hội nghị Hội Nghị",
    "kinh tế - xã hội, KT-XH và kinh tế xã hội; Ủy ban nhân dân tỉnh và UBND tỉnh",
    "Straße hội nghị straße",
    "Müller và José dự hội nghị",
    "İstanbul hội nghị",
    "đại hội " * 40 + "tail",
    "mở đầu " * 60 + "hội nghị " + "ở giữa " * 50 + "nghị",
    ("x" * 300 + " ") * 3 + "hội nghị " + ("y" * 200 + " ") * 40 + "hội",
    # the fourth word before the match begins more than 64 characters before it
    "zz " + "w" * 60 + " bb cc dd hội nghị",
    "thi thị thí thì thi. Thị xã tổ chức kỳ thi",
    "Ký kết, kỳ kết, kí kết và ký kết giao ước",
]


def articles(count: int) -> list[str]:
    rng = random.Random(20261207)
    texts = []
    for _ in range(count):
        fields = corpus.article_fields(rng)
        body, _captions = body_parts(fields["body"])
        texts.append("\n".join(p for p in (fields["lead"], body, fields["caption"]) if p))
    return texts


@pytest.fixture
def queries(db):
    return [semantics.analyse(parse_query(q)) for q in QUERIES]


def test_fast_path_gives_the_reference_html_on_generated_articles(queries):
    texts = articles(60)
    fast = 0
    for query in queries:
        for text in texts:
            for words in (32, 5):
                assert snippet(text, query, words) == reference(text, query, words)
        fast += _word_patterns(query) is not None
    # The comparison means something only if the fast path answered most of it.
    assert fast >= len(queries) - 1
    assert not any(_UNSAFE_RE.search(text) for text in texts)


@pytest.mark.parametrize("text", TEXTS)
def test_fast_path_gives_the_reference_html_on_each_branch(queries, text):
    for query in queries:
        for words in (32, 8, 3, 1):
            assert snippet(text, query, words) == reference(text, query, words), query.text


def test_letters_outside_vietnamese_take_the_reference():
    assert _UNSAFE_RE.search("Straße")
    assert _UNSAFE_RE.search("İstanbul")
    assert _UNSAFE_RE.search("Müller")
    assert _UNSAFE_RE.search("ćevapi")
    assert not _UNSAFE_RE.search("Đại hội “KT-XH” – 2020… ÀÁẢÃẠ àáảãạ ĐđƯưƠơ")


def test_snippet_marks_the_matched_passage():
    text = "mở đầu " * 60 + "Hội nghị tổng kết " + "kết thúc " * 60
    query = parse_query("hoi nghi")
    html = snippet(text, query)
    assert html.startswith("… mở đầu mở đầu <mark>Hội</mark> <mark>nghị</mark> tổng kết")
    assert html.endswith(" …")
