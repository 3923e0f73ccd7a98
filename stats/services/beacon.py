"""The beacon: one call decides, counts and returns what the page should show.

With Redis, every beacon is one Lua call (none for a repeat this process answered less
than STATS_LOCAL_SECONDS ago) and no SQL: Redis decides atomically and returns the fresh
totals, and a counted view or visit is journaled in Redis by the same call and queued
for the database (batch.py: written in batches by a background thread, and at process
exit; journal.py: the journal of a killed process is written by another). While Redis
fails, the beacon is decided by the database store instead (stores.active /
stores.fallback) and written in the request: still counted, still exact in the database.

Presence and the visit are the portal's whose host the beacon came to (sites.Portal);
the answer carries the figures that portal's widget shows.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest
from django.utils import timezone
from redis.exceptions import RedisError

from . import batch, journal, pages, readers, sites, stores, totals
from .decisions import BeaconResult, Decision, Reason, Snapshot
from .pages import CountedPage
from .sites import Portal
from .widget import snapshot

logger = logging.getLogger(__name__)


class UnknownPage(LookupError):
    """No live, counted page with that id."""


def _find(page_id: int | None) -> CountedPage | None:
    if page_id is None:
        return None
    target = pages.find(page_id)
    if target is None:
        raise UnknownPage(page_id)
    return target


def record_beacon(request: HttpRequest, reader: str | None, page_id: int | None) -> BeaconResult:
    """Count a page view and a visitor's presence, and say why (or why not).

    `reader` is None when the request carried no valid reader cookie; such a request
    counts nothing. The answer's reason is then `no_reader` when the view may issue a
    new reader cookie (the script retries once with it), or `rate` when this client
    address had its STATS_NEW_READERS_PER_MINUTE already (no cookie is issued).
    """
    target = _find(page_id)
    portal = sites.for_request(request)

    ip = readers.client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    now = timezone.now()
    reason = readers.exclusion(request, ip, user_agent)
    if reason is None and reader is None:
        reason = Reason.NO_READER if _admit_new_reader(ip, now) else Reason.RATE
    if reason is not None:
        views = None if target is None else pages.current_hits(target)
        return BeaconResult(Decision.no(reason), views, snapshot(portal))

    staff = readers.is_staff(request)
    touched = None if staff else target
    store = stores.active()
    if isinstance(store, stores.RedisStore):
        user = readers.user_of(request)
        user_id = getattr(user, "pk", None)
        seq = None
        entry = None
        if batch.deferred():
            seq = batch.writer.begin()
            record = journal.encode(touched, reader, ip, user_agent, user_id, now, portal.key)
            entry = (seq, record)
        try:
            try:
                touch = store.touch(reader, touched, now, portal, entry)
            except RedisError as exc:
                store = stores.fallback(exc)
                touch = store.touch(reader, touched, now, portal)
            if isinstance(store, stores.RedisStore):
                return _decided_by_redis(
                    store, reader, target, portal, touch, staff, ip, user_agent, user_id, now, seq
                )
        finally:
            batch.writer.end(seq)
    else:
        touch = store.touch(reader, touched, now, portal)

    if target is not None and not staff and touch.first_view:
        return _count(
            request, store, reader, target, portal, touch, ip=ip, user_agent=user_agent, now=now
        )

    visits, views = touch.visits, touch.views
    publish: dict = {}
    if touch.new_visit:
        visits = _shown_after_visit(portal, totals.count_visit(portal.key))
        publish["visits"] = {portal.scope: visits}
    elif visits is None:
        visits = totals.visits_total(portal.scope)
        publish["visits"] = {portal.scope: visits}
    if target is not None and views is None:
        views = pages.current_hits(target)
        if views is not None:
            publish["views"] = {target.page_id: views}
    _publish(store, **publish)

    decision = Decision.of(counted=False, has_page=target is not None, staff=staff)
    return BeaconResult(decision, views, Snapshot(touch.online, visits), touch.new_visit)


def _admit_new_reader(ip: str, now) -> bool:
    """Whether this address may get one more reader cookie this minute (and count it)."""
    block = readers.address_block(ip)
    store = stores.active()
    try:
        return store.admit_new_reader(block, now)
    except RedisError as exc:
        return stores.fallback(exc).admit_new_reader(block, now)


def _shown_after_visit(portal: Portal, site_total: int) -> int:
    """What the widget shows once the database counted a visit of the portal: its own
    new total, or the network's (read after the increment)."""
    return totals.network_total() if portal.network else site_total


def _decided_by_redis(
    store, reader, target, portal, touch, staff, ip, user_agent, user_id, now, seq
) -> BeaconResult:
    """Redis made the decision, counted the mirrors and journaled the record (seq); the
    database gets it from the queue (batch.record)."""
    counted = target is not None and not staff and bool(touch.first_view)
    if counted or touch.new_visit:
        view = None
        if counted:
            view = batch.View(target, reader, ip, user_agent, user_id, now)
        try:
            batch.record(view, touch.new_visit, portal.key, seq)
        except Exception:
            if counted:
                _forget(store, reader, target)
            raise
    views, visits = touch.views, touch.visits
    publish: dict = {}
    # A mirror missing in Redis (flushed or restarted): the database's total plus what
    # this process has queued, read in that order (a batch written in between is then
    # missed, never counted twice); later batches raise the mirror to the database's.
    if visits is None:
        visits = totals.visits_total(portal.scope) + batch.writer.pending_visits(portal.scope)
        publish["visits"] = {portal.scope: visits}
    if target is not None and (views is None or views < 0):
        views = pages.current_hits(target)
        if views is not None:
            views += batch.writer.pending(target.page_id)
            publish["views"] = {target.page_id: views}
    _publish(store, **publish)
    touched = None if staff else target
    store.remember(reader, touched, now, portal, touch, views=views, visits=visits)

    decision = Decision.of(counted=counted, has_page=target is not None, staff=staff)
    return BeaconResult(decision, views, Snapshot(touch.online, visits), touch.new_visit)


def _count(request, store, reader, target, portal, touch, *, ip, user_agent, now) -> BeaconResult:
    user = readers.user_of(request)

    def write(into: CountedPage) -> tuple[int, int | None]:
        return totals.count_view(
            into,
            reader=reader,
            ip=ip,
            user_agent=user_agent,
            user=user,
            now=now,
            site_key=portal.key,
            new_visit=touch.new_visit,
        )

    try:
        try:
            views, visits = write(target)
        except totals.StalePage:
            # The cached page -> counter mapping is out of date: look it up again.
            pages.cache.forget(target.page_id)
            fresh = pages.find(target.page_id)
            if fresh is None:
                raise UnknownPage(target.page_id) from None
            views, visits = write(fresh)
    except Exception:
        _forget(store, reader, target)
        raise
    if visits is not None:  # a new visit: the totals after it
        visits = _shown_after_visit(portal, visits)
    else:  # no new visit: the store's total, or the database's
        visits = touch.visits if touch.visits is not None else totals.visits_total(portal.scope)
    _publish(store, views={target.page_id: views}, visits={portal.scope: visits})
    return BeaconResult(Decision.yes(), views, Snapshot(touch.online, visits), touch.new_visit)


def _publish(store, **mirrors) -> None:
    """Raise the store's mirrors; a Redis failure here loses nothing (the database has
    the totals), so it only trips the breaker."""
    if not mirrors:
        return
    try:
        store.publish(**mirrors)
    except RedisError as exc:
        stores.fallback(exc)


def _forget(store, reader: str, target: CountedPage) -> None:
    try:
        store.forget_view(reader, target)
    except RedisError as exc:
        stores.fallback(exc)
        logger.error("stats: could not undo the mark of reader %s on page %s", reader, target)
