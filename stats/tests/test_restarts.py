"""Totals survive restarts: of the app processes (gunicorn, 2 workers) and of Redis
(a flush and a real restart), on PostgreSQL + Redis and on the embedded default."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from hitcount.models import Hit, HitCount

from stats.models import DailyPageViews, SiteCounter

from .conftest import wait_for
from .live import beacon, views, widget
from .procs import free_port, gunicorn, manage, redis_server


def reader(n: int) -> str:
    return f"{n:032x}"


def totals(page) -> tuple[int, int]:
    """(the page's views, the visits counted) as committed in the database."""
    hits = HitCount.objects.filter(object_pk=page.pk).values_list("hits", flat=True).first()
    return hits, SiteCounter.objects.values_list("visits", flat=True).first() or 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_graceful_stop_writes_the_queue_even_after_a_redis_flush(
    imported_article, tmp_path, redis_url
):
    """Queued views live in the app process until written: a Redis FLUSHALL does not
    touch them, and stopping gunicorn (SIGTERM) writes them before the workers exit.
    STATS_FLUSH_SECONDS is an hour here, so nothing is written before the stop."""
    assert connection.vendor == "postgresql", "this test needs PostgreSQL"
    database_url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    redis_port = free_port()
    redis = redis_server(redis_port, tmp_path).start()
    app = gunicorn(
        free_port(),
        database_url,
        f"redis://127.0.0.1:{redis_port}/0",
        settings="stats.tests.settings_slow_flush",
    )
    try:
        app.start()
        page, url = imported_article.pk, imported_article.url
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda n: beacon(app.url, page, reader(n)), range(30)))
        assert [body["reason"] for _, body in results] == ["counted"] * 30
        assert beacon(app.url, page, reader(3))[1]["reason"] == "repeat"
        assert max(body["views"] for _, body in results) <= 191
        assert totals(imported_article) == (161, 0)  # queued, not written yet
        assert Hit.objects.count() == 0

        import redis as redis_lib

        redis_lib.Redis(port=redis_port).flushall()
        app.stop()  # SIGTERM: each worker writes its queue at exit
        assert totals(imported_article) == (191, 30)
        assert Hit.objects.count() == 30
        assert Hit.objects.values("session").distinct().count() == 30
        assert sum(DailyPageViews.objects.values_list("views", flat=True)) == 30

        app.start()
        assert views(app.url, url) == 191
        assert widget(app.url) == (0, 30)
    finally:
        app.stop()
        redis.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_totals_survive_app_and_redis_restarts(imported_article, tmp_path, redis_url):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL"
    database = connection.settings_dict
    database_url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database)
    redis_port = free_port()
    redis = redis_server(redis_port, tmp_path).start()
    app = gunicorn(free_port(), database_url, f"redis://127.0.0.1:{redis_port}/0")
    try:
        app.start()
        base = app.url
        url = imported_article.url
        page = imported_article.pk

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda n: beacon(base, page, reader(n)), range(40)))
        assert all(body["reason"] == "counted" for _, body in results)
        # The workers write their queues within STATS_FLUSH_SECONDS; every batch raises
        # the Redis mirrors to the database's totals, so the page shows them then.
        assert wait_for(lambda: totals(imported_article), (201, 40)) == (201, 40)
        assert wait_for(lambda: views(base, url), 201) == 201
        assert widget(base) == (40, 40)

        app.restart()
        assert views(base, url) == 201
        assert widget(base) == (40, 40)

        # FLUSHALL: presence is gone, totals are not (they are in PostgreSQL).
        import redis as redis_lib

        redis_lib.Redis(port=redis_port).flushall()
        assert widget(base) == (0, 40)
        assert views(base, url) == 201
        assert beacon(base, page, reader(100))[1]["visits"] == 41
        assert views(base, url) == 202
        assert wait_for(lambda: totals(imported_article), (202, 41)) == (202, 41)

        # A real restart of redis-server (no persistence configured).
        redis.restart()
        assert widget(base) == (0, 41)
        status, body = beacon(base, page, reader(101))
        assert (status, body["views"], body["visits"], body["online"]) == (200, 203, 42, 1)
        app.restart()
        assert totals(imported_article) == (203, 42)
        assert views(base, url) == 203
        assert widget(base)[1] == 42
    finally:
        app.stop()
        redis.stop()


CREATE_ARTICLE = """
from news.models import ArticlePage, HomePage, NewsIndexPage
home = HomePage.objects.get()
section = home.add_child(instance=NewsIndexPage(title="Tin tức", slug="tin-tuc"))
article = section.add_child(instance=ArticlePage(title="Bài", slug="bai", initial_view_count=161))
article.save_revision().publish()
print(article.pk, article.url)
"""


@pytest.mark.embedded
def test_embedded_default_is_exact_across_workers_and_restarts(tmp_path):
    """SQLite, no Redis, gunicorn with two workers: the embedded default in production shape."""
    database_url = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
    manage(database_url, "migrate", "--noinput", "-v0")
    page, url = manage(database_url, "shell", "-c", CREATE_ARTICLE).strip().splitlines()[-1].split()
    page = int(page)
    app = gunicorn(free_port(), database_url, None)
    try:
        app.start()
        base = app.url
        with ThreadPoolExecutor(max_workers=8) as pool:
            distinct = list(pool.map(lambda n: beacon(base, page, reader(n)), range(60)))
            same = list(pool.map(lambda n: beacon(base, page, reader(999)), range(20)))
        assert [s for s, _ in distinct + same] == [200] * 80
        assert sum(b["counted"] for _, b in distinct) == 60
        assert sum(b["counted"] for _, b in same) == 1
        assert views(base, url) == 161 + 61
        assert widget(base) == (61, 61)
        app.restart()
        assert views(base, url) == 222
        assert widget(base) == (61, 61)
    finally:
        app.stop()
