"""The "Đọc nhiều nhất" list on a portal that imported its archive: never empty, and the first
live view does not leave one article alone in today's, this week's and this month's
lists while other articles have views."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from stats import services
from stats.services import popular

from .conftest import post_beacon
from .test_widget import reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(section):
    """Articles carried over from an older portal with their view counts."""
    from news.models import ArticlePage

    pages = {}
    for title, views in [("Bài 4000", 4000), ("Bài 900", 900), ("Bài 300", 300), ("Bài 0", 0)]:
        page = ArticlePage(title=title, initial_view_count=views)
        section.add_child(instance=page)
        page.save_revision().publish()
        pages[title] = page
    return pages


def most_read_html(client):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    return {
        key: [
            (item.a.get_text(), item.select_one(".most-read__views") is not None)
            for item in soup.select(f".most-read__period--{key} li")
        ]
        for key in ("today", "week", "month")
    }


def test_imported_counts_fill_every_period_before_any_live_view(client, db_store, archive):
    lists = most_read_html(client)
    expected = [("Bài 4000", False), ("Bài 900", False), ("Bài 300", False)]
    assert lists == {"today": expected, "week": expected, "month": expected}


def test_a_live_view_leads_and_the_other_articles_stay_listed(client, db_store, archive):
    popular.clear_cache(5)
    post_beacon(client, archive["Bài 0"].pk, reader(1))
    for period, entries in services.most_read(5).items():
        assert [(e.title, e.views, e.seeded) for e in entries] == [
            ("Bài 0", 1, False),
            ("Bài 4000", 4000, True),
            ("Bài 900", 900, True),
            ("Bài 300", 300, True),
        ], period
    # Only the live count is shown as a number: the others are not this period's views.
    assert most_read_html(client)["today"] == [
        ("Bài 0", True),
        ("Bài 4000", False),
        ("Bài 900", False),
        ("Bài 300", False),
    ]


def test_a_viewed_article_counts_once_from_its_counter(client, db_store, archive):
    """A counter starts from the carried-over count; the page is listed once, with the
    larger all-time count."""
    post_beacon(client, archive["Bài 300"].pk, reader(2))
    popular.clear_cache(5)
    month = services.most_read(5)["month"]
    assert [e.title for e in month].count("Bài 300") == 1
    assert month[0].title == "Bài 300" and not month[0].seeded


def test_private_articles_are_not_seeded(
    client, db_store, archive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=archive["Bài 4000"], restriction_type="login")
    popular.clear_cache(5)
    titles = [e.title for e in services.most_read(5)["today"]]
    assert titles == ["Bài 900", "Bài 300"]
