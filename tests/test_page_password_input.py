"""The page-password form answers bad input with the form or a redirect, never a 500."""

import pytest
from wagtail.models import PageViewRestriction

from tests.newsroom import publish_article

pytestmark = pytest.mark.embedded


@pytest.fixture
def restricted(section):
    page = publish_article(section, "Tin nội bộ")
    restriction = PageViewRestriction.objects.create(
        page=page,
        restriction_type="password",
        password="mat-khau-dung",  # noqa: S106
    )
    return page, restriction


@pytest.mark.parametrize("return_url", ['"><img src=x onerror=alert(1)>', "foo", "//evil.example/"])
def test_right_password_with_a_bad_return_url_goes_home(client, restricted, return_url):
    # Found by tests/test_fuzz.py: a return_url that is not a path answered 500.
    page, restriction = restricted
    response = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": "mat-khau-dung", "return_url": return_url},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_right_password_with_a_good_return_url_goes_there(client, restricted):
    page, restriction = restricted
    response = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": "mat-khau-dung", "return_url": page.url},
    )
    assert response.status_code == 302 and response["Location"] == page.url
    assert client.get(page.url).status_code == 200


def test_ids_beyond_the_database_are_not_found(client, restricted):
    page, restriction = restricted
    huge = 2**63
    for url in (
        f"/_util/authenticate_with_password/{huge}/{page.pk}/",
        f"/_util/authenticate_with_password/{restriction.pk}/{huge * 10**5}/",
    ):
        assert client.post(url, {"password": "x", "return_url": "/"}).status_code == 404
