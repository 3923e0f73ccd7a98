"""Exactness under real concurrency: threads against a live server on 127.0.0.1,
real PostgreSQL (or SQLite in the embedded pass) and real Redis.

With Redis the database gets the counted views from the write-behind queue
(stats/services/batch.py) a few tens of ms after the answers: the tests poll the
database until the expected total appears, wait until nothing is queued any more, and
then check every total exactly (an overshoot or a missing row fails)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from hitcount.models import BlacklistIP, Hit, HitCount

from stats.models import DailyPageViews, SiteCounter

from .conftest import wait_for, writes_done
from .live import beacon, views

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

STORES = ["redis_store", "db_store"]


def reader(n: int) -> str:
    return f"{n:032x}"


def hits(page) -> int:
    return HitCount.objects.get(object_pk=page.pk).hits


@pytest.fixture(params=STORES)
def store(request):
    if connection.vendor == "sqlite":
        pytest.fail("concurrency tests need PostgreSQL (run through scripts/services.sh)")
    return request.getfixturevalue(request.param)


def test_500_distinct_readers_add_exactly_500(live_server, store, imported_article):
    page = imported_article.pk
    beacon(live_server.url, page, reader(0), ua="curl/8")  # creates the counter, counts nothing
    assert hits(imported_article) == 161

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(
            pool.map(lambda n: beacon(live_server.url, page, reader(1000 + n)), range(500))
        )

    assert [status for status, _ in results] == [200] * 500
    assert sum(body["counted"] for _, body in results) == 500
    assert wait_for(lambda: hits(imported_article), 661) == 661
    writes_done()
    assert hits(imported_article) == 161 + 500
    assert Hit.objects.count() == 500
    assert Hit.objects.values("session").distinct().count() == 500
    assert sum(DailyPageViews.objects.values_list("views", flat=True)) == 500
    assert SiteCounter.objects.get().visits == 500
    # No reader was shown more than the final count, and the page shows the final count.
    assert max(body["views"] for _, body in results) <= 661
    assert views(live_server.url, imported_article.url) == 661


def test_one_reader_with_50_concurrent_requests_adds_exactly_1(
    live_server, store, imported_article
):
    page = imported_article.pk
    beacon(live_server.url, page, reader(0), ua="curl/8")
    barrier = threading.Barrier(50)

    def send(_):
        barrier.wait()
        return beacon(live_server.url, page, reader(7))

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(send, range(50)))

    assert [status for status, _ in results] == [200] * 50
    reasons = sorted(body["reason"] for _, body in results)
    assert reasons == ["counted"] + ["repeat"] * 49
    assert wait_for(lambda: hits(imported_article), 162) == 162
    writes_done()
    assert hits(imported_article) == 162
    assert Hit.objects.count() == 1
    assert SiteCounter.objects.get().visits == 1  # one visit, too
    assert results[-1][1]["online"] == 1


def test_bot_blacklisted_ip_and_staff_add_nothing(live_server, store, imported_article, client):
    page = imported_article.pk
    status, body = beacon(
        live_server.url, page, reader(1), ua="Mozilla/5.0 (compatible; Googlebot/2.1)"
    )
    assert (status, body["reason"], body["views"]) == (200, "bot", 161)

    BlacklistIP.objects.create(ip="127.0.0.1")
    status, body = beacon(live_server.url, page, reader(2))
    assert (status, body["reason"]) == (200, "blacklisted_ip")
    BlacklistIP.objects.all().delete()

    editor = get_user_model().objects.create_superuser("editor", "e@example.vn", "pw")
    client.force_login(editor)
    session = f"sessionid={client.cookies['sessionid'].value}"
    status, body = beacon(live_server.url, page, reader(3), cookies=[session])
    assert (status, body["reason"]) == (200, "staff")

    writes_done()
    assert hits(imported_article) == 161
    assert Hit.objects.count() == 0
    # ...and a reader still counts afterwards.
    assert beacon(live_server.url, page, reader(4))[1]["reason"] == "counted"
    assert wait_for(lambda: hits(imported_article), 162) == 162
    writes_done()
    assert Hit.objects.count() == 1
