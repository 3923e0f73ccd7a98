"""The figures of a period, read from what the counters store: the installation's daily
roll-up (DailySiteStats) or one portal's (its group's one-day blocks and
DailySiteVisits) for the chart and totals, the pages' blocks for the top pages.

`site` is a portal's site key (stats.reports.portals), None for every portal."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum
from hitcount.models import HitCount

from stats.conf import conf
from stats.models import (
    DailyPageViews,
    DailySiteStats,
    DailySiteVisits,
    GroupViewsBlock,
)

from . import blocks
from .periods import Period
from .portals import SITE


@dataclass(frozen=True)
class Point:
    day: date
    views: int
    visits: int


@dataclass(frozen=True)
class Totals:
    views: int
    visits: int
    previous_views: int
    previous_visits: int

    @staticmethod
    def change(now: int, before: int) -> float | None:
        """Percentage change against the period before; None when it had nothing."""
        if not before:
            return None
        return (now - before) * 100 / before

    @property
    def views_change(self):
        return self.change(self.views, self.previous_views)

    @property
    def visits_change(self):
        return self.change(self.visits, self.previous_visits)


def _portal_days(period: Period, site: int) -> dict[date, dict]:
    """{day: {"views", "visits"}} of one portal: its group's one-day blocks (every page
    type) and its visits per day."""
    days: dict[date, dict] = {}
    for day, views in (
        GroupViewsBlock.objects.filter(
            kind=SITE, group_key=site, span=1, start__range=(period.start, period.end)
        )
        .values("start")
        .annotate(total=Sum("views"))
        .values_list("start", "total")
    ):
        days[day] = {"views": views, "visits": 0}
    for day, visits in DailySiteVisits.objects.filter(
        site_key=site, day__range=(period.start, period.end)
    ).values_list("day", "visits"):
        days.setdefault(day, {"views": 0, "visits": 0})["visits"] = visits
    return days


def _days(period: Period, site: int | None) -> dict[date, dict]:
    if site is not None:
        return _portal_days(period, site)
    return {
        row["day"]: row
        for row in DailySiteStats.objects.filter(day__range=(period.start, period.end)).values(
            "day", "views", "visits"
        )
    }


def site_series(period: Period, site: int | None = None) -> list[Point]:
    """One point per day of the period (days without a row count zero)."""
    rows = _days(period, site)
    empty = {"views": 0, "visits": 0}
    return [
        Point(day, rows.get(day, empty)["views"], rows.get(day, empty)["visits"])
        for day in period.each_day()
    ]


def _sums(period: Period, site: int | None) -> tuple[int, int]:
    if site is not None:
        views = GroupViewsBlock.objects.filter(
            blocks.period_filter(period.start, period.end), kind=SITE, group_key=site
        ).aggregate(total=Sum("views"))["total"]
        visits = DailySiteVisits.objects.filter(
            site_key=site, day__range=(period.start, period.end)
        ).aggregate(total=Sum("visits"))["total"]
        return views or 0, visits or 0
    sums = DailySiteStats.objects.filter(day__range=(period.start, period.end)).aggregate(
        views=Sum("views"), visits=Sum("visits")
    )
    return sums["views"] or 0, sums["visits"] or 0


def totals(period: Period, site: int | None = None) -> Totals:
    views, visits = _sums(period, site)
    previous_views, previous_visits = _sums(period.previous(), site)
    return Totals(views, visits, previous_views, previous_visits)


def page_totals_sql(period: Period, content_type=None, site: int | None = None) -> tuple[str, list]:
    """SQL of (page, views) for every page read in the period (of one portal's pages if
    `site`), and its parameters, for an app to group further (sections, authors). Read
    from the pages' blocks of days (stats.reports.blocks), not from every day row."""
    content_type_id = getattr(content_type, "pk", content_type)
    group = None if site is None else (SITE, site)
    return blocks.page_totals_sql(period.start, period.end, content_type_id, group=group)


def page_views(
    period: Period, content_type=None, limit: int | None = None, site: int | None = None
) -> list[dict]:
    """Views per page in the period, most viewed first: rows {"page": id, "views": n}."""
    sql, params = page_totals_sql(period, content_type, site)
    sql = f"SELECT page, views FROM ({sql}) t ORDER BY views DESC, page"  # noqa: S608
    if limit:
        sql, params = f"{sql} LIMIT %s", [*params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [{"page": page, "views": views} for page, views in cursor.fetchall()]


def page_series(page_id: int, content_type, start: date, end: date) -> list[Point]:
    """A page's own daily views from start to end (visits are not kept per page)."""
    hitcount = HitCount.objects.filter(object_pk=page_id, content_type=content_type).first()
    rows = {}
    if hitcount is not None:
        rows = dict(
            DailyPageViews.objects.filter(hitcount=hitcount, day__range=(start, end)).values_list(
                "day", "views"
            )
        )
    return [Point(day, rows.get(day, 0), 0) for day in Period(start, end).each_day()]


def first_day(page_id: int, content_type) -> date | None:
    """The first day a page was counted, if ever."""
    return (
        DailyPageViews.objects.filter(
            hitcount__object_pk=page_id, hitcount__content_type=content_type
        )
        .order_by("day")
        .values_list("day", flat=True)
        .first()
    )


# The breakdowns of a period (top pages, sections, authors) sum every page's day rows in
# it: for a year over 100,000 articles that is millions of rows, too slow to redo on each
# request. They are kept in the shared cache this long; the chart and the totals come from
# the site's roll-up and are always current.
BREAKDOWN_CACHE_SECONDS = 300


def cached_breakdown(name: str, period: Period, limit: int | None, compute, site=None):
    """compute() for this period (and portal), from the shared cache when fresh enough."""
    portal = "all" if site is None else site
    key = f"stats:reports:{name}:{portal}:{period.start:%Y%m%d}:{period.end:%Y%m%d}:{limit or 0}"
    value = cache.get(key)
    if value is None:
        with report_memory():
            value = compute()
        cache.set(key, value, BREAKDOWN_CACHE_SECONDS)
    return value


@contextmanager
def report_memory():
    """A transaction whose statements may use STATS_REPORT_WORK_MEM per sort or hash on
    PostgreSQL, without JIT compilation (SET LOCAL: both end with the transaction, so the
    connection's other requests keep the server's defaults).

    JIT: a year's sections report is estimated at 100,000 groups named by a subquery
    each, a cost far above `jit_above_cost`; compiling it took 159 ms of a 365 ms
    statement that runs 200 ms without."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', 'off', true)")
                work_mem = conf().report_work_mem
                if work_mem:
                    cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        yield
