"""The reports' per-page roll-up over blocks of days (PageViewsBlock) equals the day
rows it sums, under concurrent writes by every path, and a period read through it gives
the same figures as summing the day rows."""

import io
import random
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import F, Sum
from django.utils import timezone
from hitcount.models import HitCount
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from stats.locks import lock_writers
from stats.models import DailyPageViews, PageViewsBlock
from stats.reports import blocks, data
from stats.reports.periods import Period
from stats.services.totals import bump_day

from .conftest import wait_for, writes_done
from .live import beacon


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    length=st.integers(min_value=1, max_value=3 * 366),
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_a_period_is_cut_into_aligned_blocks_covering_each_day_once(start, length):
    end = start + timedelta(days=length - 1)
    cut = blocks.pieces(start, end)
    covered = Counter()
    for span, first in cut:
        assert blocks.block_start(first, span) == first  # aligned as the triggers align
        covered.update(first + timedelta(days=n) for n in range(span))
    assert covered == Counter(start + timedelta(days=n) for n in range(length))
    # Few pieces whatever the period: at most 3 of each size on each side.
    assert len(cut) <= 3 * 2 * len(blocks.SPANS) + 4


def expected_blocks() -> dict:
    """Every block's views computed in Python from the day rows."""
    sums = Counter()
    for hitcount, day, views in DailyPageViews.objects.values_list("hitcount", "day", "views"):
        for span in blocks.SPANS:
            sums[(hitcount, span, blocks.block_start(day, span))] += views
    return {key: views for key, views in sums.items() if views}


def stored_blocks() -> dict:
    return {
        (hitcount, span, start): views
        for hitcount, span, start, views in PageViewsBlock.objects.values_list(
            "hitcount", "span", "start", "views"
        )
        if views
    }


def summed_from_day_rows(period: Period) -> list[dict]:
    rows = (
        DailyPageViews.objects.filter(day__range=(period.start, period.end))
        .values(page=F("hitcount__object_pk"))
        .annotate(views=Sum("views"))
        .order_by("-views", "page")
    )
    return [{"page": row["page"], "views": row["views"]} for row in rows]


def assert_periods_match(today: date) -> None:
    rng = random.Random(7)
    periods = [Period(today - timedelta(days=n - 1), today) for n in (1, 7, 30, 90, 365)]
    for _ in range(40):
        start = today - timedelta(days=rng.randrange(400))
        periods.append(Period(start, start + timedelta(days=rng.randrange(300))))
    for period in periods:
        assert data.page_views(period) == summed_from_day_rows(period), period


@pytest.fixture
def pages(section):
    from tests.newsroom import publish_article

    pages = [publish_article(section, f"Bài {n}", days_ago=1) for n in range(4)]
    article = ContentType.objects.get(app_label="news", model="articlepage")
    for page in pages:
        HitCount.objects.get_or_create(content_type=article, object_pk=page.pk)
    return pages


def write_past_day(hitcount_id: int, page_id: int, day: date, count: int) -> None:
    """A late write of a past day (a dead process's journal, a batch across midnight), as
    the database store writes: the writers' lock, the page's counter, then its day row."""
    try:
        with transaction.atomic():
            lock_writers()
            HitCount.objects.filter(pk=hitcount_id, object_pk=page_id).update(
                hits=F("hits") + count
            )
            bump_day(hitcount_id, day, count)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("store_name", ["db_store", "redis_store"])
def test_blocks_match_the_day_rows_after_concurrent_writes(request, live_server, pages, store_name):
    if connection.vendor != "postgresql":
        pytest.fail("concurrency tests need PostgreSQL (run through scripts/services.sh)")
    request.getfixturevalue(store_name)
    today = timezone.localdate()
    counters = {
        c.object_pk: c.pk for c in HitCount.objects.filter(object_pk__in=[p.pk for p in pages])
    }
    rng = random.Random(2026)
    # Late writes spread over 400 days, so they cross blocks of every size, racing the
    # readers' beacons of today on the same pages.
    late = [
        (counters[page.pk], page.pk, today - timedelta(days=rng.randrange(400)), rng.randint(1, 9))
        for page in pages
        for _ in range(60)
    ]
    barrier = threading.Barrier(2)

    def readers():
        barrier.wait()
        return [
            beacon(live_server.url, pages[n % len(pages)].pk, f"{n:032x}")[0] for n in range(200)
        ]

    def writers():
        barrier.wait()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda args: write_past_day(*args), late))

    with ThreadPoolExecutor(max_workers=2) as pool:
        seen, _ = pool.submit(readers), pool.submit(writers)
        statuses = seen.result()
        _.result()
    assert statuses == [200] * 200
    expected_total = 200 + sum(count for *_, count in late)
    total = lambda: DailyPageViews.objects.aggregate(v=Sum("views"))["v"]  # noqa: E731
    assert wait_for(total, expected_total) == expected_total
    writes_done()

    assert stored_blocks() == expected_blocks()
    assert_periods_match(today)


@pytest.mark.django_db
def test_backfill_rebuilds_the_blocks_and_deleting_a_page_drops_them(pages):
    article = ContentType.objects.get(app_label="news", model="articlepage")
    today = timezone.localdate()
    for n, page in enumerate(pages):
        counter = HitCount.objects.get(content_type=article, object_pk=page.pk)
        for days_ago in range(0, 300, 7 + n):
            DailyPageViews.objects.create(
                hitcount=counter, day=today - timedelta(days=days_ago), views=n + days_ago
            )
    assert stored_blocks() == expected_blocks()
    PageViewsBlock.objects.all().delete()
    assert data.page_views(Period(today - timedelta(days=364), today)) != summed_from_day_rows(
        Period(today - timedelta(days=364), today)
    )

    call_command("stats_backfill_daily", stdout=io.StringIO())

    assert stored_blocks() == expected_blocks()
    assert_periods_match(today)

    # A page deleted: its day rows and blocks go with its counter, without an error.
    gone = HitCount.objects.get(content_type=article, object_pk=pages[0].pk)
    gone.delete()
    assert not PageViewsBlock.objects.filter(hitcount_id=gone.pk).exists()
    assert stored_blocks() == expected_blocks()


def _work_mem_and_jit() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_breakdown_gets_the_report_memory_for_its_own_transaction_only(settings):
    assert connection.vendor == "postgresql", "work_mem is PostgreSQL's: this test needs it"
    settings.STATS_REPORT_WORK_MEM = "48MB"
    period = Period(date(2026, 1, 1), date(2026, 1, 7))
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")  # the server's default; the breakdown turns it off
    before = _work_mem_and_jit()
    inside = data.cached_breakdown(f"probe-{uuid.uuid4()}", period, None, _work_mem_and_jit)
    assert (before, inside, _work_mem_and_jit()) == (before, ("48MB", "off"), before)
    assert before[0] != "48MB" and before[1] == "on"


@pytest.mark.django_db
def test_the_block_tables_are_vacuumed_sooner_than_the_default():
    """The reports' index-only scans read the heap of every page changed since the last
    vacuum: the block tables ask autovacuum to come after 1% of their rows changed."""
    assert connection.vendor == "postgresql", "autovacuum is PostgreSQL's: this test needs it"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [["stats_pageviewsblock", "stats_groupviewsblock"]],
        )
        options = dict(cursor.fetchall())
    assert set(options) == {"stats_pageviewsblock", "stats_groupviewsblock"}
    for table, table_options in options.items():
        assert "autovacuum_vacuum_scale_factor=0.01" in (table_options or []), table


@pytest.mark.embedded
@pytest.mark.django_db
def test_a_periods_totals_stay_exact_past_32_bits(pages):
    """PostgreSQL sums the blocks as float8 (exact below 2**53 per page and period):
    day rows at the most their column holds give totals past 32 bits to the unit."""
    article = ContentType.objects.get(app_label="news", model="articlepage")
    today = timezone.localdate()
    for n, page in enumerate(pages):
        counter = HitCount.objects.get(content_type=article, object_pk=page.pk)
        for days_ago in range(0, 360, 40):
            DailyPageViews.objects.create(
                hitcount=counter, day=today - timedelta(days=days_ago), views=2**31 - 1 - n
            )
    assert stored_blocks() == expected_blocks()
    assert_periods_match(today)
    year = data.page_views(Period(today - timedelta(days=364), today))
    assert year[0] == {"page": pages[0].pk, "views": 9 * (2**31 - 1)}
