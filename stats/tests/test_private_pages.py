"""Private pages (any view restriction, on the page or an ancestor) are not counted,
never listed in "Đọc nhiều nhất", and the beacon cannot tell them from missing ids."""

import json

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.utils import timezone
from hitcount.models import HitCount
from wagtail.models import Page, PageViewRestriction

from stats import services
from stats.services import batch

from .conftest import post_beacon, writes_done

STORES = [pytest.param("db_store", marks=pytest.mark.embedded), "redis_store"]
RESTRICTIONS = ["login", "password", "groups", "ancestor"]


@pytest.fixture(params=STORES)
def store(request):
    return request.getfixturevalue(request.param)


def reader(n: int) -> str:
    return f"{n:032x}"


def restrict(page, kind: str) -> PageViewRestriction:
    """A view restriction of `kind` on the page (or, for "ancestor", on its section)."""
    target = page.get_parent() if kind == "ancestor" else page
    if kind == "password":
        return PageViewRestriction.objects.create(
            page=target, restriction_type="password", password="mat-khau-bi-mat"
        )
    if kind == "groups":
        restriction = PageViewRestriction.objects.create(page=target, restriction_type="groups")
        restriction.groups.add(Group.objects.get_or_create(name="Phóng viên")[0])
        return restriction
    return PageViewRestriction.objects.create(page=target, restriction_type="login")


def comparable(response) -> tuple:
    headers = {name: value for name, value in response.headers.items()}
    return response.status_code, response.content, headers, dict(response.cookies)


def most_read_titles(client) -> str:
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    block = soup.select_one(".most-read")
    return block.get_text(" ", strip=True) if block else ""


@pytest.mark.django_db
@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_private_page_answers_as_a_missing_one_and_counts_nothing(
    client, store, article, kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        restrict(article, kind)
    missing = Page.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    # With and without a reader cookie; the clock held so Expires is the same.
    with time_machine.travel(timezone.now(), tick=False):
        for cookie in (None, reader(1)):
            client.cookies.clear()
            private = post_beacon(client, article.pk, cookie)
            client.cookies.clear()
            unknown = post_beacon(client, missing, cookie)
            assert comparable(private) == comparable(unknown)
            assert private.status_code == 404
    writes_done()
    assert not HitCount.objects.filter(object_pk=article.pk, hits__gt=161).exists()
    assert article.title not in most_read_titles(client)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_page_made_private_leaves_the_counters_and_most_read_at_once(
    client, store, article, kind, django_capture_on_commit_callbacks
):
    counted = post_beacon(client, article.pk, reader(1))
    assert counted.json()["reason"] == "counted"
    writes_done()
    # Seen by this process: its lookup and the lists are cached.
    assert article.title in most_read_titles(client)
    assert article.title in json.dumps(
        [entry.title for entry in services.most_read()["today"]], ensure_ascii=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        restriction = restrict(article, kind)
    assert post_beacon(client, article.pk, reader(2)).status_code == 404
    assert article.title not in most_read_titles(client)
    assert all(entry.page_id != article.pk for entry in services.most_read()["month"])

    # Public again: counted and listed again.
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert post_beacon(client, article.pk, reader(3)).json()["reason"] == "counted"
    writes_done()
    assert article.title in most_read_titles(client)


@pytest.mark.django_db
def test_changing_who_may_see_a_page_keeps_it_private(
    client, db_store, article, django_capture_on_commit_callbacks
):
    """A login restriction turned into a groups one (the groups set afterwards, as the
    admin's privacy form does): never public in between, once committed."""
    with django_capture_on_commit_callbacks(execute=True):
        restriction = restrict(article, "login")
    with django_capture_on_commit_callbacks(execute=True):
        restriction.restriction_type = "groups"
        restriction.save()
        restriction.groups.add(Group.objects.get_or_create(name="Biên tập viên")[0])
    assert post_beacon(client, article.pk, reader(1)).status_code == 404
    assert batch.writer.pending(article.pk) == 0
