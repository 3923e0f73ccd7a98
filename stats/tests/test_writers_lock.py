"""Every writer of views and visits takes the writers' lock first (PostgreSQL).

A visit counted alone (a reader back after the idle gap, on a page already counted for
them) writes through triggers the portal's day row and the site's day row. A view's
transaction that counts its portal's first visit takes the site's day row first and the
portal's after it. Without the one lock first, the two met in opposite orders and one of
them was killed as a deadlock (a 503 for a reader's beacon)."""

import threading

import pytest
from django.db import connection, connections, transaction

from stats.locks import lock_writers
from stats.models import SiteCounter
from stats.services import totals


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_visit_counted_alone_waits_for_the_writers_lock():
    assert connection.vendor == "postgresql", "the writers' lock is PostgreSQL's"
    site_key = 424_242
    locked, release, done = threading.Event(), threading.Event(), threading.Event()
    totals_seen = []

    def holder():
        try:
            with transaction.atomic():
                lock_writers()
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    def visitor():
        try:
            totals_seen.append(totals.count_visit(site_key))
            done.set()
        finally:
            connections.close_all()

    first = threading.Thread(target=holder)
    first.start()
    assert locked.wait(30)
    second = threading.Thread(target=visitor)
    second.start()
    waited = not done.wait(2)  # counted while another writer holds the lock: the bug
    release.set()
    first.join(30)
    second.join(30)
    assert waited, "a visit was written while another writer held the writers' lock"
    assert totals_seen == [1]
    assert SiteCounter.objects.get(site_key=site_key).visits == 1
