"""The cheap paths: a repeat beacon without SQL on Redis (and without Redis within
STATS_LOCAL_SECONDS), a counted view without SQL in the request (written behind), a page
render with one stats read, and the database fallback while Redis is unreachable."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hitcount.models import Hit, HitCount

from stats.models import DailyPageViews, SiteCounter
from stats.services import batch, pages, sites, stores

from .conftest import post_beacon, wait_for, writes_done
from .procs import free_port

pytestmark = pytest.mark.django_db


def reader(n: int) -> str:
    return f"{n:032x}"


def stats_queries(queries) -> list[str]:
    tables = ("hitcount_", "stats_")
    return [q["sql"] for q in queries if any(t in q["sql"] for t in tables)]


@pytest.fixture
def cached_lists(settings):
    settings.STATS_BLACKLIST_CACHE_SECONDS = 30
    settings.STATS_PAGE_CACHE_SECONDS = 30


def test_repeat_beacon_needs_no_sql_with_redis(
    client, redis_store, cached_lists, article, django_assert_num_queries
):
    assert post_beacon(client, article.pk, reader(1)).json()["reason"] == "counted"
    with django_assert_num_queries(0):
        response = post_beacon(client, article.pk, reader(1))
    assert response.json() | {"online": None} == {
        "counted": False,
        "reason": "repeat",
        "views": 162,
        "online": None,
        "visits": 1,
    }


@pytest.mark.parametrize("local_seconds", [1.0, 0])
def test_repeat_beacon_asks_redis_once_the_local_answer_is_older(
    client, redis_store, cached_lists, article, settings, local_seconds
):
    """Without the per-process answer (STATS_LOCAL_SECONDS = 0, or a second later) the
    repeat is decided by the Lua call; with it, Redis is not asked at all."""
    settings.STATS_LOCAL_SECONDS = local_seconds
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert post_beacon(client, article.pk, reader(1)).json()["reason"] == "counted"
        redis_store.client.delete(redis_store._key("seen", article.pk, reader(1)))
        # Redis forgot the mark: only the process's own answer can still say "repeat".
        expected = "repeat" if local_seconds else "counted"
        assert post_beacon(client, article.pk, reader(1)).json()["reason"] == expected
        clock.shift(timedelta(seconds=1))
        # A second later Redis decides again: it has no mark only if it was not re-set.
        later = "counted" if local_seconds else "repeat"
        assert post_beacon(client, article.pk, reader(1)).json()["reason"] == later


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counted_view_runs_no_sql_in_the_request_with_redis(
    client, redis_store, cached_lists, article, django_assert_num_queries
):
    """Redis decides and counts; the database gets the view from the queue."""
    assert post_beacon(client, article.pk, reader(1)).json()["reason"] == "counted"
    with django_assert_num_queries(0):
        response = post_beacon(client, article.pk, reader(2))  # a new view and a new visit
    assert response.json() | {"online": None} == {
        "counted": True,
        "reason": "counted",
        "views": 163,
        "online": None,
        "visits": 2,
    }
    counter = HitCount.objects.get(object_pk=article.pk)
    assert wait_for(lambda: HitCount.objects.get(pk=counter.pk).hits, 163) == 163
    writes_done()
    assert sorted(Hit.objects.filter(hitcount=counter).values_list("session", flat=True)) == [
        reader(1),
        reader(2),
    ]
    assert DailyPageViews.objects.get(hitcount=counter).views == 2
    assert SiteCounter.objects.get().visits == 2


def test_a_flushed_script_cache_is_reloaded(client, redis_store, cached_lists, article):
    """After SCRIPT FLUSH (or a Redis restart) the Lua script is sent again (NOSCRIPT)."""
    assert post_beacon(client, article.pk, reader(1)).json()["reason"] == "counted"
    redis_store.client.script_flush()
    assert post_beacon(client, article.pk, reader(2)).json()["reason"] == "counted"
    assert post_beacon(client, article.pk, reader(3)).json()["reason"] == "counted"
    assert HitCount.objects.get(object_pk=article.pk).hits == 164


@pytest.mark.embedded
def test_unpublishing_a_page_seen_by_this_process_answers_404(
    client, db_store, cached_lists, article
):
    assert post_beacon(client, article.pk, reader(1)).json()["reason"] == "counted"
    article.unpublish()
    assert post_beacon(client, article.pk, reader(2)).status_code == 404
    article.get_latest_revision().publish()
    assert post_beacon(client, article.pk, reader(2)).json()["reason"] == "counted"


@pytest.mark.embedded
def test_page_render_reads_the_stats_once_on_the_database(client, db_store, article):
    post_beacon(client, article.pk, reader(1))
    client.get(article.url)  # most-read lists computed and kept
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.url).content.decode()
    assert len(stats_queries(queries.captured_queries)) == 1
    assert ">162</span>" in html and "Đã truy cập: <b data-stats-visits>1</b>" in html


def test_page_render_reads_no_sql_for_stats_with_redis(client, redis_store, article):
    post_beacon(client, article.pk, reader(1))
    client.get(article.url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.url).content.decode()
    assert stats_queries(queries.captured_queries) == []
    assert ">162</span>" in html and "Đã truy cập: <b data-stats-visits>1</b>" in html


def test_uncounted_page_renders_without_stats_sql_with_redis(client, redis_store, article):
    """A page nobody has counted yet: the database is asked once, then Redis remembers."""
    client.get(article.url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.url).content.decode()
    assert stats_queries(queries.captured_queries) == []
    assert ">161</span>" in html
    post_beacon(client, article.pk, reader(1))
    assert ">162</span>" in client.get(article.url).content.decode()


@pytest.mark.embedded
def test_unreachable_redis_falls_back_to_the_database(client, settings, article):
    # A real address where nothing listens (no mock): every Redis call fails at once.
    settings.STATS_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.STATS_REDIS_RETRY_SECONDS = 60
    assert isinstance(stores.get_store(), stores.RedisStore)

    html = client.get(article.url).content.decode()
    assert ">161</span>" in html and "Đã truy cập: <b data-stats-visits>0</b>" in html
    assert not stores.breaker.closed  # tripped: this process now uses the database

    first = post_beacon(client, article.pk, reader(1))
    assert first.status_code == 200
    assert first.json() | {"online": None} == {
        "counted": True,
        "reason": "counted",
        "views": 162,
        "online": None,
        "visits": 1,
    }
    assert post_beacon(client, article.pk, reader(1)).json()["reason"] == "repeat"
    assert HitCount.objects.get(object_pk=article.pk).hits == 162
    assert SiteCounter.objects.get().visits == 1
    html = client.get(article.url).content.decode()
    assert "Trực tuyến: <b data-stats-online>1</b>" in html and ">162</span>" in html


@pytest.mark.embedded
def test_a_counter_deleted_before_its_batch_is_written_is_found_again(db_store, article):
    """The batch re-checks each page's counter: a view queued for a counter deleted
    since goes to the page's counter as it is now (created again from 161)."""
    target = pages.find(article.pk)
    HitCount.objects.filter(pk=target.hitcount_id).delete()
    view = batch.View(target, reader(1), "127.0.0.1", "Mozilla/5.0", None, timezone.now())
    site = sites.default_key()
    assert batch.write([view], {site: 1}) == ({article.pk: 162}, {site: 1})
    counter = HitCount.objects.get(object_pk=article.pk)
    assert counter.pk != target.hitcount_id and counter.hits == 162
    assert list(Hit.objects.values_list("hitcount", "session")) == [(counter.pk, reader(1))]
    assert DailyPageViews.objects.get().views == 1


def test_the_per_process_answers_stay_about_one_second_of_traffic(
    client, redis_store, cached_lists, article, monkeypatch, settings
):
    """A stream of new readers must not grow a worker's memory (the soak): when the memo
    is full, answers older than STATS_LOCAL_SECONDS are dropped and fresh ones kept."""
    settings.STATS_LOCAL_SECONDS = 1.0
    monkeypatch.setattr(stores, "RECENT_LIMIT", 50)
    store = stores.get_store()  # the settings change made a new one
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(40):
            assert post_beacon(client, article.pk, reader(n)).json()["reason"] == "counted"
        clock.shift(timedelta(seconds=2))
        for n in range(40, 70):  # the memo fills up at reader 49
            assert post_beacon(client, article.pk, reader(n)).json()["reason"] == "counted"
            assert len(store._recent) <= 50
        assert len(store._recent) == 30  # the 40 old answers went, the new stayed
        # A reader from before the memo filled up is still answered by the process.
        store.client.delete(store._key("seen", article.pk, reader(40)))
        assert post_beacon(client, article.pk, reader(40)).json()["reason"] == "repeat"
