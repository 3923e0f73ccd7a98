"""With Redis, a view answered "counted" reaches the database even if its process dies
before writing its queue: the Lua call that decides a beacon journals it in Redis, and
another process replays the journal of a process whose heartbeat expired (journal.py).
PostgreSQL and Redis, real processes where a process must die."""

from io import StringIO

import pytest
import redis as redis_lib
from django.core.management import call_command
from django.db import connection
from django.test import Client
from hitcount.models import Hit, HitCount

from stats.models import DailyPageViews, JournalMark, SiteCounter
from stats.services import batch, journal, pages

from .conftest import post_beacon, wait_for, writes_done
from .live import beacon
from .procs import free_port, gunicorn, redis_server

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def reader(n: int) -> str:
    return f"{n:032x}"


def recorded(page) -> dict:
    """What the database holds of the page's views and of visits (the page's counter is
    created on first use)."""
    assert pages.find(page.pk) is not None
    return {
        "views": HitCount.objects.filter(object_pk=page.pk).values_list("hits", flat=True).get(),
        "hit_rows": Hit.objects.count(),
        "readers": Hit.objects.values("session").distinct().count(),
        "day_rows": sum(DailyPageViews.objects.values_list("views", flat=True)),
        "visits": SiteCounter.objects.values_list("visits", flat=True).first() or 0,
    }


def expected(before: dict, counted: int) -> dict:
    return {
        "views": before["views"] + counted,
        "hit_rows": counted,
        "readers": counted,
        "day_rows": counted,
        "visits": counted,
    }


def journal_entries(store, journal_id: str) -> int:
    return store.client.llen(journal.journal_key(store.prefix, journal_id))


def count(client, page, readers) -> list[str]:
    return [post_beacon(client, page, reader(n)).json()["reason"] for n in readers]


def die(store, monkeypatch) -> str:
    """This process "dies" (its queue lost, its heartbeat gone) and the test goes on as
    another process (a new journal id); return the dead one's journal id."""
    dead = journal.identity()
    batch.writer.stop(discard=True)
    store.client.delete(journal.alive_key(store.prefix, dead))
    monkeypatch.setattr(journal, "_identity", None)
    assert journal.identity() != dead
    return dead


def test_a_dead_process_journal_is_written_by_another(
    imported_article, redis_store, settings, monkeypatch
):
    settings.STATS_FLUSH_SECONDS = 3600  # nothing is written before the "death"
    page = imported_article
    before = recorded(page)
    assert count(Client(), page.pk, range(6)) == ["counted"] * 6
    assert recorded(page) == before
    dead = die(redis_store, monkeypatch)
    assert journal_entries(redis_store, dead) == 6
    # The process's seq runs on across tests: the mark must reach the newest entry's.
    entries = redis_store.client.lrange(journal.journal_key(redis_store.prefix, dead), 0, -1)
    last_seq = max(journal.decode(entry)[0] for entry in entries)

    out = StringIO()
    call_command("stats_cleanup", stdout=out)  # as cron runs it; the writers do the same
    assert "wrote 12 views and visits" in out.getvalue()  # 6 views, 6 visits
    assert recorded(page) == expected(before, 6)
    assert journal_entries(redis_store, dead) == 0
    assert JournalMark.objects.get(journal=dead).last_seq == last_seq
    assert batch.recover() == 0


def test_a_crash_between_the_commit_and_the_trim_counts_nothing_twice(
    imported_article, redis_store, settings, monkeypatch
):
    """The batch and the journal's mark are committed together; the process dies before
    popping the entries off its journal: the replay skips them."""
    settings.STATS_FLUSH_SECONDS = 3600
    page = imported_article
    before = recorded(page)
    assert count(Client(), page.pk, range(5)) == ["counted"] * 5
    with monkeypatch.context() as patch:
        patch.setattr(batch, "_trim", lambda journal_id, last_seq: None)
        assert batch.writer.flush() == 5
    assert recorded(page) == expected(before, 5)
    dead = die(redis_store, monkeypatch)
    assert journal_entries(redis_store, dead) == 5

    assert batch.recover() == 0
    assert recorded(page) == expected(before, 5)
    assert journal_entries(redis_store, dead) == 0


def test_a_live_process_taken_for_dead_counts_nothing_twice(
    imported_article, redis_store, settings
):
    """A replay of a journal whose process is in fact alive (its heartbeat missed) and
    the process's own write meet the same mark: each view is written once."""
    settings.STATS_FLUSH_SECONDS = 3600
    page = imported_article
    before = recorded(page)
    assert count(Client(), page.pk, range(4)) == ["counted"] * 4
    live = journal.identity()
    entries = [
        batch.Entry(seq, None if view is None else batch.View(*view), visit, site_key)
        for seq, visit, view, site_key in map(journal.decode, redis_store.journals.entries(live))
    ]
    batch.write_entries(live, entries)  # what a replay by another process writes
    assert recorded(page) == expected(before, 4)
    assert batch.writer.flush() == 4  # the live process's queue: already written
    assert recorded(page) == expected(before, 4)
    assert journal_entries(redis_store, live) == 0


def test_normal_operation_leaves_the_journal_empty(imported_article, redis_store):
    page = imported_article
    before = recorded(page)
    client = Client()
    assert count(client, page.pk, range(8)) == ["counted"] * 8
    assert count(client, page.pk, [3]) == ["repeat"]
    writes_done()
    assert recorded(page) == expected(before, 8)
    assert journal_entries(redis_store, journal.identity()) == 0
    assert JournalMark.objects.get(journal=journal.identity()).last_seq >= 8


def test_views_answered_by_a_killed_server_are_all_in_the_database(
    imported_article, tmp_path, redis_url
):
    """Gunicorn (2 workers) answers beacons "counted" and is SIGKILLed before writing any
    (its queue is written only at exit, an hour's flush interval). A second server's
    writer thread replays the dead workers' journals once their heartbeats expire: the
    database's rise equals the counted answers exactly."""
    assert connection.vendor == "postgresql", "this test needs PostgreSQL"
    database_url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    redis_port = free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    redis = redis_server(redis_port, tmp_path).start()
    doomed = gunicorn(
        free_port(), database_url, redis_url, settings="stats.tests.settings_journal_slow_flush"
    )
    survivor = gunicorn(free_port(), database_url, redis_url, "stats.tests.settings_journal")
    page = imported_article
    before = recorded(page)
    try:
        doomed.start()
        answers = [beacon(doomed.url, page.pk, reader(n))[1]["reason"] for n in range(20)]
        assert answers == ["counted"] * 20
        assert recorded(page) == before  # queued, not written
        doomed.kill()
        assert recorded(page) == before  # no exit handler ran

        survivor.start()
        assert beacon(survivor.url, page.pk, reader(100))[1]["reason"] == "counted"
        assert wait_for(lambda: recorded(page), expected(before, 21)) == expected(before, 21)
        client = redis_lib.Redis(port=redis_port)
        assert wait_for(lambda: sorted(client.scan_iter(match="stats:journal:*")), []) == []
    finally:
        doomed.kill()
        survivor.stop()
        redis.stop()
