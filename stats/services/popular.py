"""Most read ("Đọc nhiều nhất"): today, this week and this month, from daily totals, cached.

A list shorter than its limit is topped up from the all-time counts (the counters, which
start from each page's carried-over count, and the carried-over counts of pages not yet
viewed here): a portal that imported its archive shows its most read articles from the
first day, and the first live view does not leave one article alone in all three lists.
Those entries are marked `seeded` and come after every page viewed in the period.

Only public pages are listed (live, counted, behind no view restriction: core.privacy).
The lists are cached under the page cache's generation (core.pagecache), so publishing,
unpublishing or a privacy change takes a page off them at once, on every app server.
"""

from __future__ import annotations

import logging
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models import Sum
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from hitcount.models import HitCount
from wagtail.models import Site

from core import pagecache, privacy
from stats.conf import changed, conf
from stats.models import DailyPageViews

from .pages import counted_content_type_ids, counted_pages

logger = logging.getLogger(__name__)

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
    seeded: bool = False


def period_start(period: str, today: date) -> date:
    """Calendar periods in the site's time zone (Asia/Ho_Chi_Minh); weeks start on Monday."""
    if period == "today":
        return today
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    raise ValueError(period)


def in_portal(page, root: str) -> bool:
    """Whether ``page`` belongs to the portal whose home has the url_path ``root`` ("" for
    every portal): each portal's lists hold its own pages."""
    return page.url_path.startswith(root)


def compute(period: str, limit: int, today: date, root: str = "") -> list[Entry]:
    """Sum the daily rows since the period's start (no scan of the hits table)."""
    rows = DailyPageViews.objects.filter(day__gte=period_start(period, today))
    types = counted_content_type_ids()
    if types is not None:
        rows = rows.filter(hitcount__content_type_id__in=types)
    totals = list(
        rows.values("hitcount__object_pk")
        .annotate(total=Sum("views"))
        .order_by("-total", "hitcount__object_pk")[: limit * (3 if not root else 10)]
    )
    pages = counted_pages().in_bulk([row["hitcount__object_pk"] for row in totals])
    restricted = privacy.restricted_paths()
    entries = []
    for row in totals:
        page = pages.get(row["hitcount__object_pk"])
        if (
            page is not None
            and in_portal(page, root)
            and not privacy.is_private(page.path, restricted)
        ):
            entries.append(Entry(page.pk, page.title, page.url, row["total"]))
    return entries[:limit]


def all_time_totals(limit: int) -> dict[int, int]:
    """page id -> its all-time count, for the `limit` largest of the counters and of the
    carried-over counts (STATS_INITIAL_COUNT_ATTRIBUTE on the counted page models)."""
    counters = HitCount.objects.all()
    types = counted_content_type_ids()
    if types is not None:
        counters = counters.filter(content_type_id__in=types)
    totals: dict[int, int] = {}
    for object_pk, hits in counters.order_by("-hits", "object_pk").values_list("object_pk", "hits")[
        :limit
    ]:
        with suppress(TypeError, ValueError):
            totals[int(object_pk)] = hits
    attribute = conf().initial_count_attribute
    for label in conf().counted_page_models:
        model = apps.get_model(label)
        if attribute not in {field.name for field in model._meta.get_fields()}:
            continue
        carried = (
            model.objects.live()
            .filter(**{f"{attribute}__gt": 0})
            .order_by(f"-{attribute}", "pk")
            .values_list("pk", attribute)[:limit]
        )
        for page_id, count in carried:
            # A counter already includes the carried-over count it started from.
            totals.setdefault(page_id, count)
    return totals


def seed(limit: int, taken: set[int], root: str = "") -> list[Entry]:
    """The most read of all time, public pages only, leaving out `taken`."""
    totals = all_time_totals(limit * (3 if not root else 10) + len(taken))
    wanted = [page_id for page_id in totals if page_id not in taken]
    pages = counted_pages().in_bulk(wanted)
    restricted = privacy.restricted_paths()
    entries = [
        Entry(page.pk, page.title, page.url, totals[page.pk], seeded=True)
        for page in pages.values()
        if in_portal(page, root) and not privacy.is_private(page.path, restricted)
    ]
    entries.sort(key=lambda entry: (-entry.views, entry.page_id))
    return entries[:limit]


def compute_all(limit: int, today: date, root: str = "") -> dict[str, list[Entry]]:
    """The three lists, each topped up from the all-time counts when short."""
    lists = {period: compute(period, limit, today, root) for period, _label in PERIODS}
    short = [entries for entries in lists.values() if len(entries) < limit]
    if short:
        seeds = seed(2 * limit, set(), root)
        for entries in short:
            listed = {entry.page_id for entry in entries}
            entries.extend(
                [entry for entry in seeds if entry.page_id not in listed][: limit - len(entries)]
            )
    return lists


class _Local:
    """This process's copy of the lists, for STATS_MOST_READ_LOCAL_SECONDS and while the
    page cache's generation this process has seen stays the same: most page renders
    then read no cache at all."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, int, dict]] = {}

    def get(self, key: str) -> dict | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        if entry[1] != pagecache.seen_generation():
            return None
        return entry[2]

    def put(self, key: str, generation: int, lists: dict) -> None:
        seconds = min(conf().most_read_local_seconds, conf().most_read_cache_seconds)
        if seconds > 0:
            # One day and one limit, for each portal.
            if len(self._entries) >= 64:
                self._entries = {}
            self._entries[key] = (time.monotonic() + seconds, generation, lists)

    def clear(self) -> None:
        self._entries = {}


local = _Local()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if changed(setting):
        local.clear()


def _shared(method: str, *args):
    """The shared cache, which must never break a page: an unreachable cache (Redis down
    without IGNORE_EXCEPTIONS) is a miss."""
    try:
        return getattr(cache, method)(*args)
    except Exception as exc:  # any cache backend's connection error
        logger.warning("stats: most-read cache unavailable (%s)", exc)
        return None


def most_read(limit: int | None = None, root: str = "") -> dict[str, list[Entry]]:
    """All three lists of the portal whose home has the url_path ``root`` ("" for every
    portal): this process's copy, else the shared cache (one read), else computed (a few
    queries) and cached."""
    limit = limit or conf().most_read_limit
    today = timezone.localdate()
    key = f"stats:most-read:{today.isoformat()}:{limit}:{root}"
    lists = local.get(key)
    if lists is not None:
        return lists
    # Read with the generation it was stored in: lists computed before a publish or a
    # privacy change are stale (and a computation that overlaps one is stored stale).
    try:
        generation, lists = pagecache.read_fresh(key)
    except Exception as exc:  # any cache backend's connection error: as _shared
        logger.warning("stats: most-read cache unavailable (%s)", exc)
        generation, lists = pagecache.seen_generation(), None
    if lists is None:
        lists = compute_all(limit, today, root)
        _shared("set", key, (generation, lists), conf().most_read_cache_seconds)
    local.put(key, generation, lists)
    return lists


def clear_cache(limit: int | None = None) -> None:
    limit = limit or conf().most_read_limit
    local.clear()
    day = timezone.localdate().isoformat()
    roots = ["", *(root.root_path for root in Site.get_site_root_paths())]
    for root in roots:
        _shared("delete", f"stats:most-read:{day}:{limit}:{root}")
