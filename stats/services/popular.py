"""Most read ("Đọc nhiều nhất"): today, this week and this month, from daily totals, cached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stats.conf import conf
from stats.models import DailyPageViews

from .targets import counted_content_type_ids, counted_pages

PERIODS = (
    ("today", _("Today")),
    ("week", _("This week")),
    ("month", _("This month")),
)


@dataclass(frozen=True)
class Entry:
    page_id: int
    title: str
    url: str | None
    views: int


def period_start(period: str, today: date) -> date:
    """Calendar periods in the site's time zone (Asia/Ho_Chi_Minh); weeks start on Monday."""
    if period == "today":
        return today
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    raise ValueError(period)


def compute(period: str, limit: int, today: date) -> list[Entry]:
    """Sum the daily rows since the period's start (no scan of the hits table)."""
    rows = DailyPageViews.objects.filter(day__gte=period_start(period, today))
    types = counted_content_type_ids()
    if types is not None:
        rows = rows.filter(hitcount__content_type_id__in=types)
    totals = list(
        rows.values("hitcount__object_pk")
        .annotate(total=Sum("views"))
        .order_by("-total", "hitcount__object_pk")[: limit * 3]
    )
    pages = counted_pages().in_bulk([row["hitcount__object_pk"] for row in totals])
    entries = []
    for row in totals:
        page = pages.get(row["hitcount__object_pk"])
        if page is not None:
            entries.append(Entry(page.pk, page.title, page.url, row["total"]))
    return entries[:limit]


def most_read(limit: int | None = None) -> dict[str, list[Entry]]:
    """All three lists, from the cache (one read) or computed and cached."""
    limit = limit or conf().most_read_limit
    today = timezone.localdate()
    key = f"stats:most-read:{today.isoformat()}:{limit}"
    lists = cache.get(key)
    if lists is None:
        lists = {period: compute(period, limit, today) for period, _label in PERIODS}
        cache.set(key, lists, conf().most_read_cache_seconds)
    return lists


def clear_cache(limit: int | None = None) -> None:
    limit = limit or conf().most_read_limit
    cache.delete(f"stats:most-read:{timezone.localdate().isoformat()}:{limit}")
