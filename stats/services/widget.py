"""The visitor widget ("Thống kê truy cập"): one cheap read per page."""

from __future__ import annotations

from django.utils import timezone

from . import counters
from .decisions import Snapshot
from .stores import get_store


def snapshot() -> Snapshot:
    """Online visitors and the visits total: one Redis round trip or one SQL query.

    After a Redis flush or restart the total is re-read from the database once.
    """
    store = get_store()
    online, visits = store.widget(timezone.now())
    if visits is None:
        visits = counters.visits_total()
        store.publish_visits(visits)
    return Snapshot(online=online, visits=visits)


def set_visits_start(value: int) -> int:
    total = counters.set_visits_start(value)
    get_store().replace_visits(total)
    return total
