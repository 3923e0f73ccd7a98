"""The beacon: one call decides, counts and returns what the page should show."""

from __future__ import annotations

import logging

from django.http import HttpRequest
from django.utils import timezone

from . import counters, readers
from .decisions import BeaconResult, Decision, Reason, Snapshot
from .stores import get_store
from .targets import Target, find
from .widget import snapshot

logger = logging.getLogger(__name__)


class UnknownPage(LookupError):
    """No live, counted page with that id."""


def record_beacon(request: HttpRequest, reader: str | None, page_id: int | None) -> BeaconResult:
    """Count a page view and a visitor's presence, and say why (or why not).

    `reader` is None when the request carried no valid reader cookie; such a request
    counts nothing (the view sets a cookie and the script retries once).
    """
    target: Target | None = None
    if page_id is not None:
        target = find(page_id)
        if target is None:
            raise UnknownPage(page_id)
    views = target.hits if target else None

    ip = readers.client_ip(request)
    user_agent = request.headers.get("User-Agent", "")
    reason = Reason.NO_READER if reader is None else readers.exclusion(request, ip, user_agent)
    if reason is not None:
        return BeaconResult(Decision.no(reason), views, snapshot())

    now = timezone.now()
    store = get_store()
    staff = readers.is_staff(request)
    touch = store.touch(reader, None if staff else target, now)
    visits = touch.visits
    if touch.new_visit:
        visits = counters.count_visit()
        store.publish_visits(visits)
    elif visits is None:
        visits = counters.visits_total()
        store.publish_visits(visits)

    if target is None:
        decision = Decision.no(Reason.NO_PAGE)
    elif staff:
        decision = Decision.no(Reason.STAFF)
    elif not touch.first_view:
        decision = Decision.no(Reason.REPEAT)
    else:
        try:
            views = counters.count_view(
                target,
                reader=reader,
                ip=ip,
                user_agent=user_agent,
                user=request.user if request.user.is_authenticated else None,
                now=now,
            )
        except Exception:
            store.forget_view(reader, target)
            raise
        decision = Decision.yes()
    return BeaconResult(decision, views, Snapshot(touch.online, visits), touch.new_visit)
