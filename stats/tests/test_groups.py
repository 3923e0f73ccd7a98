"""The groups' roll-up (GroupViewsBlock: sections and authors over blocks of days) equals
the pages' blocks summed by each page's current section and authors, after concurrent
views, late writes and editors moving articles and changing their authors; the backfill
fills it; the dashboard's year read through it names the same sections and authors."""

import io
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone
from hitcount.models import HitCount

from stats.models import DailyPageViews, GroupViewsBlock, PageGroup, PageViewsBlock
from stats.reports import groups
from stats.reports.periods import Period

from .conftest import wait_for, writes_done
from .live import beacon
from .test_blocks import write_past_day


def current_groups() -> set:
    """(page, kind, key) as the articles stand: their parent page, their authors and,
    once counted, their portal (Wagtail's own answer)."""
    from news.models import ArticleAuthor, ArticlePage

    pairs = {
        (pk, "author", author)
        for pk, author in ArticleAuthor.objects.values_list("page_id", "author_id")
    }
    counted = set(HitCount.objects.values_list("object_pk", flat=True))
    for page in ArticlePage.objects.all():
        pairs.add((page.pk, "section", page.get_parent().pk))
        if page.pk in counted:
            pairs.add((page.pk, "site", page.get_site().pk))
    return pairs


def expected_group_blocks(deleted=()) -> dict:
    """Every group block computed in Python from the pages' blocks and current groups
    (and the (page, "site", key) of `deleted` pages: they stay in their portal's)."""
    members = {}
    for page, kind, key in current_groups() | set(deleted):
        members.setdefault(page, []).append((kind, key))
    sums = Counter()
    for page, page_type, span, start, views in PageViewsBlock.objects.values_list(
        "page", "page_type", "span", "start", "views"
    ):
        for kind, key in members.get(page, ()):
            sums[(kind, key, page_type, span, start)] += views
    return {key: views for key, views in sums.items() if views}


def stored_group_blocks() -> dict:
    return {
        (kind, key, page_type, span, start): views
        for kind, key, page_type, span, start, views in GroupViewsBlock.objects.values_list(
            "kind", "group_key", "page_type", "span", "start", "views"
        )
        if views
    }


@pytest.fixture
def newsroom(home, section):
    from news.models import ArticleAuthor, Author, NewsIndexPage
    from tests.newsroom import publish_article

    sport = home.add_child(instance=NewsIndexPage(title="Thể thao", slug="the-thao"))
    sport.save_revision().publish()
    authors = [Author.objects.create(name=name) for name in ("Lan Anh", "Minh Quân", "Hà My")]
    pages = [publish_article((section, sport)[n % 2], f"Bài {n}", days_ago=1) for n in range(6)]
    article = ContentType.objects.get(app_label="news", model="articlepage")
    for n, page in enumerate(pages):
        HitCount.objects.get_or_create(content_type=article, object_pk=page.pk)
        ArticleAuthor.objects.create(page=page, author=authors[n % 3])
    return {"sections": (section, sport), "pages": pages, "authors": authors}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("store_name", ["db_store", "redis_store"])
def test_groups_match_the_pages_blocks_after_concurrent_writes_and_edits(
    request, live_server, newsroom, store_name
):
    from news.models import ArticleAuthor

    if connection.vendor != "postgresql":
        pytest.fail("concurrency tests need PostgreSQL (run through scripts/services.sh)")
    request.getfixturevalue(store_name)
    pages, authors = newsroom["pages"], newsroom["authors"]
    section, sport = newsroom["sections"]
    today = timezone.localdate()
    counters = {
        c.object_pk: c.pk for c in HitCount.objects.filter(object_pk__in=[p.pk for p in pages])
    }
    rng = random.Random(2026)
    late = [
        (counters[page.pk], page.pk, today - timedelta(days=rng.randrange(400)), rng.randint(1, 9))
        for page in pages
        for _ in range(40)
    ]
    barrier = threading.Barrier(3)

    def readers():
        barrier.wait()
        return [
            beacon(live_server.url, pages[n % len(pages)].pk, f"{n:032x}")[0] for n in range(240)
        ]

    def writers():
        barrier.wait()
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(lambda args: write_past_day(*args), late))

    def editors():
        # Articles move between the sections and change authors while views are written.
        barrier.wait()
        try:
            for round_ in range(6):
                page = pages[round_]
                page.refresh_from_db()
                page.move(sport if page.get_parent().pk == section.pk else section, "last-child")
                ArticleAuthor.objects.filter(page=page).delete()
                ArticleAuthor.objects.create(page=page, author=authors[(round_ + 1) % 3])
                ArticleAuthor.objects.create(page=page, author=authors[(round_ + 2) % 3])
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=3) as pool:
        seen, written, edited = pool.submit(readers), pool.submit(writers), pool.submit(editors)
        statuses = seen.result()
        written.result()
        edited.result()
    assert statuses == [200] * 240
    expected_total = 240 + sum(count for *_, count in late)
    total = lambda: DailyPageViews.objects.aggregate(v=Sum("views"))["v"]  # noqa: E731
    assert wait_for(total, expected_total) == expected_total
    writes_done()

    assert set(PageGroup.objects.values_list("page", "kind", "group_key")) == current_groups()
    expected = expected_group_blocks()
    assert stored_group_blocks() == expected
    # Every section's views of the last 400 days are all of its articles' views.
    article = ContentType.objects.get(app_label="news", model="articlepage").pk
    period = Period(today - timedelta(days=399), today)
    by_section = dict(groups.group_views(period, "section", article))
    assert sum(by_section.values()) == expected_total
    assert set(by_section) == {section.pk, sport.pk}


@pytest.mark.django_db
def test_backfill_fills_the_groups_and_the_dashboard_reads_them(newsroom):
    from news import reports

    article = ContentType.objects.get(app_label="news", model="articlepage")
    today = timezone.localdate()
    for n, page in enumerate(newsroom["pages"]):
        counter = HitCount.objects.get(content_type=article, object_pk=page.pk)
        for days_ago in range(0, 300, 5 + n):
            DailyPageViews.objects.create(
                hitcount=counter, day=today - timedelta(days=days_ago), views=n + days_ago + 1
            )
    assert stored_group_blocks() == expected_group_blocks() != {}
    PageGroup.objects.all().delete()
    GroupViewsBlock.objects.all().delete()

    call_command("stats_backfill_daily", stdout=io.StringIO())

    assert set(PageGroup.objects.values_list("page", "kind", "group_key")) == current_groups()
    assert stored_group_blocks() == expected_group_blocks()
    # The dashboard's sections and authors of a year, from the groups, are what the
    # full reports find by grouping every article's totals.
    period = Period(today - timedelta(days=364), today)
    figures = reports._dashboard_figures(period, 10)
    for kind in ("sections", "authors"):
        full = reports._grouped_views(kind, period, None)
        assert [(r["id"], r["title"], r["views"]) for r in figures[kind]] == [
            (r["id"], r["title"], r["views"]) for r in full
        ]

    # A deleted article leaves its section's and authors' figures, not its portal's
    # (as the installation's daily roll-up keeps them).
    gone = newsroom["pages"][0]
    gone_views = PageViewsBlock.objects.filter(page=gone.pk, span=1).aggregate(v=Sum("views"))["v"]
    before = dict(groups.group_views(period, "section", article.pk))
    portal_before = dict(groups.group_views(period, "site", article.pk))
    section_pk, site_pk = gone.get_parent().pk, gone.get_site().pk
    gone.delete()
    after = dict(groups.group_views(period, "section", article.pk))
    assert before[section_pk] - after.get(section_pk, 0) == gone_views > 0
    assert dict(groups.group_views(period, "site", article.pk)) == portal_before
    assert stored_group_blocks() == expected_group_blocks([(gone.pk, "site", site_pk)])
