"""The visitor widget ("Thống kê truy cập") and a page's count: one cheap read per page.

Each portal's widget shows its own figures, or the whole network's when its settings
ask for them (sites.Portal)."""

from __future__ import annotations

import logging

from django.utils import timezone
from redis.exceptions import RedisError

from . import sites, stores, totals
from .decisions import Snapshot
from .sites import Portal
from .stores import Numbers

logger = logging.getLogger(__name__)

# The views mirror of a page that has no counter yet (counts are never negative).
NO_COUNTER = -1


def numbers(
    portal: Portal, page_id: int | None = None, content_type_id: int | None = None
) -> Numbers:
    """Online, visits and (for a page) its views: one Redis round trip or one SQL query.

    While Redis fails the database answers (online then counts the readers seen by the
    database store only). A total missing from Redis (after a flush or restart) is read
    from the database once and published back. `views` stays None when the page has no
    counter yet (the caller renders its carried-over count).
    """
    now = timezone.now()
    store = stores.active()
    try:
        result = store.numbers(now, portal, page_id, content_type_id)
    except RedisError as exc:
        store = stores.fallback(exc)
        result = store.numbers(now, portal, page_id, content_type_id)
    if result.visits is None or (page_id is not None and result.views is None):
        result = _fill(store, result, now, portal, page_id, content_type_id)
    if result.views == NO_COUNTER:
        result = Numbers(result.online, result.visits, None)
    return result


def _fill(store, result: Numbers, now, portal: Portal, page_id, content_type_id) -> Numbers:
    if isinstance(store, stores.RedisStore):
        database = stores.DatabaseStore().numbers(now, portal, page_id, content_type_id)
        visits = result.visits if result.visits is not None else database.visits
        views = result.views if result.views is not None else database.views
    else:
        visits, views = result.visits, result.views
    if visits is None:
        visits = totals.visits_total(portal.scope)
    publish: dict = {}
    if visits != result.visits:
        publish["visits"] = {portal.scope: visits}
    # A page without a counter yet is remembered as such, so its renders do not go back
    # to the database each time; its first counted view raises the mirror.
    mirrored = NO_COUNTER if views is None else views
    if page_id is not None and mirrored != result.views:
        publish["views"] = {page_id: mirrored}
    if publish:
        try:
            store.publish(**publish)
        except RedisError as exc:
            stores.fallback(exc)
    return Numbers(result.online, visits, views)


def snapshot(portal: Portal | None = None) -> Snapshot:
    """Online visitors and the visits total of a portal's widget (the default site's
    when none is given): one Redis round trip or one SQL query."""
    result = numbers(portal or sites.for_site(sites.default_key()))
    return Snapshot(online=result.online, visits=result.visits)


def set_visits_start(value: int, site_key: int | None = None) -> int:
    """Set a portal's starting total (the default site's when none is given); return
    its new "Đã truy cập"."""
    if site_key is None:
        site_key = sites.default_key()
    total, difference = totals.set_visits_start(site_key, value)
    try:
        stores.get_store().shift_visits(site_key, difference)
    except RedisError as exc:
        stores.fallback(exc)
        logger.error("stats: the Redis mirrors of the visits totals were not moved: %s", exc)
    return total
