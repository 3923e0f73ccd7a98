"""The page a beacon counts, and its django-hitcount HitCount row.

Only public pages count: live, of a counted type, and behind no view restriction
(login, password or groups, on the page or an ancestor). A beacon for any other id is
answered exactly as one for an id that does not exist.

The page -> counter mapping is kept per process (`STATS_PAGE_CACHE_SECONDS`), so a
beacon for a known page needs no SQL to find it. Publishing, unpublishing or deleting
a page clears the entry at once in the process that does it (stats.signals); entries
also belong to the page cache's generation (core.pagecache), which publishing and
privacy changes bump, so a process drops them as soon as it sees a newer one (any
anonymous page request it serves reads it), and within the TTL at the latest. Every
counted view re-checks the page's counter in the same statement that increments it.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.signals import setting_changed
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver
from hitcount.models import HitCount
from wagtail.models import Page

from core import pagecache, privacy
from stats.conf import changed, conf


@dataclass(frozen=True)
class CountedPage:
    page_id: int
    hitcount_id: int
    content_type_id: int


@functools.cache
def _counted_content_type_ids(labels: tuple[str, ...]) -> frozenset[int] | None:
    if not labels:
        return None
    models = [apps.get_model(label) for label in labels]
    return frozenset(ct.pk for ct in ContentType.objects.get_for_models(*models).values())


def counted_content_type_ids() -> frozenset[int] | None:
    """Content types of the page models counted (None = every page type)."""
    return _counted_content_type_ids(conf().counted_page_models)


def is_counted(page: Page) -> bool:
    types = counted_content_type_ids()
    return types is None or page.content_type_id in types


def counted_pages():
    """Live pages of the counted types (callers also drop the private ones: see
    core.privacy)."""
    pages = Page.objects.live()
    types = counted_content_type_ids()
    if types is not None:
        pages = pages.filter(content_type_id__in=types)
    return pages


def _counter_for(outer: str):
    return HitCount.objects.filter(
        content_type_id=OuterRef("content_type_id"), object_pk=OuterRef(outer)
    )


class _PageCache:
    """page id -> CountedPage for public counted pages, per process, for a few seconds.

    Only pages found public are kept: an unknown, unpublished or private page is looked
    up again on every beacon (and answered 404), so a page published elsewhere counts at
    once.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[float, int, CountedPage]] = {}
        self._lock = threading.Lock()

    def get(self, page_id: int) -> CountedPage | None:
        entry = self._entries.get(page_id)
        if entry is None or entry[0] <= time.monotonic():
            return None
        if entry[1] != pagecache.seen_generation():
            return None
        return entry[2]

    def put(self, target: CountedPage, generation: int) -> None:
        ttl = conf().page_cache_seconds
        if ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 50_000:  # bounded: drop everything, refill on demand
                self._entries.clear()
            self._entries[target.page_id] = (time.monotonic() + ttl, generation, target)

    def forget(self, page_id: int | None = None) -> None:
        with self._lock:
            if page_id is None:
                self._entries.clear()
            else:
                self._entries.pop(page_id, None)


cache = _PageCache()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if changed(setting):
        cache.forget()


def find(page_id: int) -> CountedPage | None:
    """The public, counted page and its counter, creating the counter on first use.

    No query when this process saw the page in the last STATS_PAGE_CACHE_SECONDS;
    otherwise one query when the counter exists (and one cache read for the restricted
    pages). The counter is keyed by the page's specific content type, as
    django-hitcount's own get_for_object() keys it.
    """
    target = cache.get(page_id)
    if target is not None:
        return target
    # The generation before the lookup: a change committed meanwhile makes the entry stale.
    generation = pagecache.seen_generation()
    row = (
        counted_pages()
        .filter(pk=page_id)
        .annotate(counter_id=Subquery(_counter_for("pk").values("pk")[:1]))
        .values_list("content_type_id", "counter_id", "path")
        .first()
    )
    if row is None:
        return None
    content_type_id, counter_id, path = row
    if privacy.is_private(path):
        return None
    if counter_id is None:
        counter_id = _create_counter(page_id, content_type_id).pk
    target = CountedPage(page_id=page_id, hitcount_id=counter_id, content_type_id=content_type_id)
    cache.put(target, generation)
    return target


def current_hits(target: CountedPage) -> int | None:
    """The counter's total as committed (one query); None if the counter is gone."""
    return HitCount.objects.filter(pk=target.hitcount_id).values_list("hits", flat=True).first()


def initial_count(page: Page) -> int:
    """The count a page carried over from an older system (the configured attribute)."""
    value = getattr(page.specific_deferred, conf().initial_count_attribute, 0)
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _create_counter(page_id: int, content_type_id: int) -> HitCount:
    start = initial_count(Page.objects.get(pk=page_id))
    try:
        with transaction.atomic():
            return HitCount.objects.create(
                content_type_id=content_type_id, object_pk=page_id, hits=start
            )
    except IntegrityError:  # created by a concurrent request: HitCount is unique per object
        return HitCount.objects.get(content_type_id=content_type_id, object_pk=page_id)


def counter_filter(page: Page) -> dict:
    return {"content_type_id": page.content_type_id, "object_pk": page.pk}


def rendered_count(page: Page) -> int:
    """The number a page renders from the database (one query; no write on GET)."""
    hits = HitCount.objects.filter(**counter_filter(page)).values_list("hits", flat=True).first()
    return initial_count(page) if hits is None else hits
