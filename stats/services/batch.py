"""Write-behind of counted views and visits, when Redis decides them.

Redis decides each beacon atomically (stores.RedisStore.touch) and answers with the
fresh totals; the durable record (django-hitcount's Hit row and HitCount total, the
day's row for "Đọc nhiều nhất", "Đã truy cập") is queued in the process and written by
a background thread STATS_FLUSH_SECONDS (0.05) after the first queued entry, in one
transaction: one multi-row INSERT of the Hit rows and one F() UPDATE per counter, per
day row and for the visits total (never read-modify-write). A flush also runs when the
process exits normally (atexit: a gunicorn worker stopped, restarted or recycled with
SIGTERM/SIGQUIT/SIGINT, or `max_requests`), so a graceful restart loses nothing; a
Redis flush or restart loses nothing either, since the queue lives here too and the
database holds everything already written.

A process killed without running its exit handlers (SIGKILL, an OOM kill, a gunicorn
worker timeout, a machine crash) loses its queue, but not the views and visits in it:
the Lua call that decided each one also appended it to the process's journal in Redis
(journal.py). A batch is committed with the journal's last written seq (JournalMark, same
transaction) and then popped off the journal; the writer thread renews the process's
heartbeat and, every STATS_RECOVER_SECONDS, replays the journals of processes whose
heartbeat expired (`recover`, also run by `stats_cleanup`) with the same write, skipping
entries at or below the mark: nothing is lost, nothing is written twice. Lost only if
Redis loses the journal too before the replay.

A beacon handled inside a database transaction (the Django test client in a
TestCase-style test, or any caller in `atomic()`) is written at once in that
transaction instead, with the same code.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone
from hitcount.models import Hit, HitCount
from redis.exceptions import RedisError

from stats.conf import conf
from stats.locks import lock_writers
from stats.models import DailyPageViews, JournalMark, SiteCounter

from . import journal, pages, sites, stores, totals

logger = logging.getLogger(__name__)

# Rows per INSERT statement (SQLite allows 32,766 parameters per statement).
INSERT_CHUNK = 500
# While the database fails, a batch is retried after this many seconds.
RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class View:
    """One counted view, as the request saw it."""

    target: pages.CountedPage
    reader: str
    ip: str
    user_agent: str
    user_id: int | None
    at: datetime


def _insert_hits(rows: list[tuple]) -> None:
    """One multi-row INSERT per INSERT_CHUNK rows; `created` is the request's time
    (Hit.created is auto_now_add, which bulk_create would overwrite)."""
    quote = connection.ops.quote_name
    columns = ["created", "ip", "session", "user_agent", "user", "hitcount"]
    names = ", ".join(quote(Hit._meta.get_field(name).column) for name in columns)
    table = quote(Hit._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = [value for row in chunk for value in row]
            # Identifiers from the model's metadata (quoted); every value is a parameter.
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values}", params)  # noqa: S608


@functools.cache
def _postgresql_sql() -> str:
    # Identifiers come from the models' metadata (quoted); every value is a parameter.
    q = connection.ops.quote_name

    def t(model):
        return q(model._meta.db_table)

    def c(model, field):
        return q(model._meta.get_field(field).column)

    hc, hit, day, site = t(HitCount), t(Hit), t(DailyPageViews), t(SiteCounter)
    return f"""
WITH v AS (
  SELECT hitcount, page, at, ip, reader, agent, usr, (at AT TIME ZONE %(tz)s)::date AS day
  FROM unnest(%(hitcount)b::bigint[], %(page)b::bigint[], %(at)b::timestamptz[],
              %(ip)b::text[], %(reader)b::text[], %(agent)b::text[], %(user)s::bigint[])
    AS v(hitcount, page, at, ip, reader, agent, usr)
), hc AS (
  UPDATE {hc} SET {c(HitCount, "hits")} = {hc}.{c(HitCount, "hits")} + g.n,
                  {c(HitCount, "modified")} = g.last
  FROM (SELECT hitcount, page, count(*) AS n, max(at) AS last FROM v
        GROUP BY hitcount, page ORDER BY hitcount) g
  WHERE {hc}.{c(HitCount, "id")} = g.hitcount AND {hc}.{c(HitCount, "object_pk")} = g.page
  RETURNING {hc}.{c(HitCount, "id")} AS id, {hc}.{c(HitCount, "object_pk")} AS page,
            {hc}.{c(HitCount, "hits")} AS hits
), hit AS (
  INSERT INTO {hit} ({c(Hit, "created")}, {c(Hit, "ip")}, {c(Hit, "session")},
                     {c(Hit, "user_agent")}, {c(Hit, "user")}, {c(Hit, "hitcount")})
  SELECT v.at, v.ip, v.reader, v.agent, v.usr, v.hitcount FROM v JOIN hc ON hc.id = v.hitcount
), day AS (
  INSERT INTO {day} ({c(DailyPageViews, "hitcount")}, {c(DailyPageViews, "day")},
                     {c(DailyPageViews, "views")})
  SELECT v.hitcount, v.day, count(*) FROM v JOIN hc ON hc.id = v.hitcount
  GROUP BY v.hitcount, v.day
  ON CONFLICT ({c(DailyPageViews, "hitcount")}, {c(DailyPageViews, "day")})
  DO UPDATE SET {c(DailyPageViews, "views")} = {day}.{c(DailyPageViews, "views")}
                                               + EXCLUDED.{c(DailyPageViews, "views")}
), visit AS (
  UPDATE {site} SET {c(SiteCounter, "visits")} = {site}.{c(SiteCounter, "visits")} + g.n
  FROM (SELECT sk, n FROM unnest(%(site)s::bigint[], %(visits)s::bigint[]) AS s(sk, n)
        ORDER BY sk) g
  WHERE {site}.{c(SiteCounter, "site_key")} = g.sk
  RETURNING {site}.{c(SiteCounter, "site_key")} AS sk,
            {site}.{c(SiteCounter, "visits_start")} + {site}.{c(SiteCounter, "visits")} AS total
)
SELECT 'page', page, hits FROM hc UNION ALL SELECT 'site', sk, total FROM visit
"""  # noqa: S608


def _write_postgresql(
    views: list[View], visits: dict[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """The whole batch in one statement: the counters' F()-style
    increments, the Hit rows, the day rows (upsert; the local day computed by
    PostgreSQL) and each portal's visits total (rows locked in site key order).

    Sent with server-side binding: the columns travel as binary arrays, where Django's
    client-side binding (its default) spelled out every value in the statement's text
    for PostgreSQL to parse again."""
    params = {
        "hitcount": [v.target.hitcount_id for v in views],
        "page": [v.target.page_id for v in views],
        "at": [v.at for v in views],
        "ip": [v.ip for v in views],
        "reader": [v.reader for v in views],
        "agent": [v.user_agent[:255] for v in views],
        "user": [v.user_id for v in views],
        "tz": timezone.get_current_timezone_name(),
        "site": list(visits),
        "visits": list(visits.values()),
    }
    import psycopg  # loaded by Django's PostgreSQL backend already

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_postgresql_sql(), params)
        rows = cursor.fetchall()
    page_totals = {int(key): total for kind, key, total in rows if kind == "page"}
    site_totals = {int(key): total for kind, key, total in rows if kind == "site"}
    for site_key, count in visits.items():
        if site_key not in site_totals:  # no counter row yet (the portal's first visit)
            site_totals[site_key] = totals.count_visit(site_key, count)
    return page_totals, site_totals


def write(views: list[View], visits: dict[int, int]) -> tuple[dict[int, int], dict[int, int]]:
    """Record views and visits (by site key) in one transaction; return the committed
    totals: ({page id: views}, {site key: "Đã truy cập"} of the portals with visits)."""
    visits = {key: count for key, count in sorted(visits.items()) if count}
    if connection.vendor == "postgresql":
        with transaction.atomic():
            lock_writers()
            page_totals, site_totals = _write_postgresql(views, visits)
            missed = [view for view in views if view.target.page_id not in page_totals]
            if not missed:
                return page_totals, site_totals
            # A counter deleted since the request looked it up: the generic path finds it.
            more, _ = _write_generic(missed, {})
            return page_totals | more, site_totals
    return _write_generic(views, visits)


def _write_generic(
    views: list[View], visits: dict[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    with transaction.atomic():
        lock_writers()
        groups: dict[pages.CountedPage, list[View]] = {}
        for view in views:
            groups.setdefault(view.target, []).append(view)
        rows, days, written = [], Counter(), {}
        # Counters in id order: concurrent flushes lock the rows in the same order.
        for target, group in sorted(groups.items(), key=lambda item: item[0].hitcount_id):
            counter = _increment(target, len(group), max(view.at for view in group))
            if counter is None:
                logger.warning("stats: page %s is gone; %d views dropped", target, len(group))
                continue
            written[target.page_id] = counter
            for view in group:
                rows.append(
                    (view.at, view.ip, view.reader, view.user_agent[:255], view.user_id, counter)
                )
                days[(counter, timezone.localdate(view.at))] += 1
        if rows:
            _insert_hits(rows)
        for (counter, day), count in sorted(days.items()):
            totals.bump_day(counter, day, count)
        site_totals = {key: totals.count_visit(key, count) for key, count in visits.items()}
        hits = dict(HitCount.objects.filter(pk__in=written.values()).values_list("pk", "hits"))
    return {page: hits[counter] for page, counter in written.items()}, site_totals


def _increment(target: pages.CountedPage, count: int, at: datetime) -> int | None:
    """+count on the page's counter (F() update); the counter id, or None if the page is
    gone. A counter deleted since the request looked it up is looked up again."""
    rows = HitCount.objects.filter(pk=target.hitcount_id, object_pk=target.page_id)
    if rows.update(hits=F("hits") + count, modified=at):
        return target.hitcount_id
    pages.cache.forget(target.page_id)
    fresh = pages.find(target.page_id)
    if fresh is None:
        return None
    HitCount.objects.filter(pk=fresh.hitcount_id).update(hits=F("hits") + count, modified=at)
    return fresh.hitcount_id


def publish(page_totals: dict[int, int], site_totals: dict[int, int]) -> None:
    """Raise the Redis mirrors to the committed totals (they only grow, so this never
    lowers a mirror that Redis already counted further). The network's total is read
    after the commit, so it holds every portal's visits committed by then."""
    store = stores.active()
    if (not page_totals and not site_totals) or not isinstance(store, stores.RedisStore):
        return
    visits = {str(key): total for key, total in site_totals.items()}
    if site_totals:
        visits[sites.NETWORK] = totals.network_total()
    try:
        store.publish(visits=visits, views=page_totals)
    except RedisError as exc:
        stores.fallback(exc)


@dataclass(frozen=True, slots=True)
class Entry:
    """One queued beacon: a counted view and/or a new visit of the portal `site_key`,
    with its journal seq (None when it was not journaled)."""

    seq: int | None
    view: View | None
    visit: bool
    site_key: int = 0


def _visits(entries) -> dict[int, int]:
    """New visits by site key."""
    return dict(Counter(entry.site_key for entry in entries if entry.visit))


def _last_seq(journal_id: str) -> int:
    """The journal's mark, the row locked to the end of the transaction (a process's
    writer and a replay of its journal write one after the other)."""
    marks = JournalMark.objects.select_for_update().filter(journal=journal_id)
    last = marks.values_list("last_seq", flat=True).first()
    if last is None:
        JournalMark.objects.bulk_create([JournalMark(journal=journal_id)], ignore_conflicts=True)
        last = marks.values_list("last_seq", flat=True).first()
    return last


def _size(entries: list[Entry]) -> int:
    """Views and visits in the entries."""
    return sum((entry.view is not None) + entry.visit for entry in entries)


def write_entries(
    journal_id: str, entries: list[Entry]
) -> tuple[dict[int, int], dict[int, int], int | None, int]:
    """Write the entries not yet written (seq above the journal's mark) and raise the
    mark, in one transaction; return the committed totals (as write), the mark and how
    many views and visits were written."""
    if all(entry.seq is None for entry in entries):
        views = [entry.view for entry in entries if entry.view is not None]
        return *write(views, _visits(entries)), None, _size(entries)
    with transaction.atomic():
        last = _last_seq(journal_id)
        fresh = [entry for entry in entries if entry.seq is None or entry.seq > last]
        views = [entry.view for entry in fresh if entry.view is not None]
        visits = _visits(fresh)
        page_totals, site_totals = write(views, visits) if views or visits else ({}, {})
        top = max((entry.seq for entry in fresh if entry.seq is not None), default=last)
        if top > last:
            JournalMark.objects.filter(journal=journal_id).update(
                last_seq=top, updated=timezone.now()
            )
    return page_totals, site_totals, top, _size(fresh)


def _journals() -> journal.Journals | None:
    store = stores.active()
    return store.journals if isinstance(store, stores.RedisStore) else None


def _trim(journal_id: str, last_seq: int | None) -> int | None:
    """Pop the written entries off the journal; the entries left (None: unknown)."""
    journals = _journals()
    if journals is None or last_seq is None:
        return None
    try:
        return journals.trim(journal_id, last_seq)
    except RedisError as exc:  # a replay after a crash would skip them by the mark
        stores.fallback(exc)
        return None


def recover() -> int:
    """Replay the journals of dead processes (heartbeat expired) into the database;
    return how many views and visits were written."""
    journals = _journals()
    if journals is None:
        return 0
    written = 0
    for journal_id in journals.dead():
        if not journals.claim(journal_id):
            continue
        try:
            entries = []
            default = None
            for raw in journals.entries(journal_id):
                seq, visit, view, site_key = journal.decode(raw)
                if site_key is None:  # journaled before portals were counted apart
                    default = sites.default_key() if default is None else default
                    site_key = default
                view = None if view is None else View(*view)
                entries.append(Entry(seq, view, visit, site_key))
            if entries:
                page_totals, site_totals, last, count = write_entries(journal_id, entries)
                publish(page_totals, site_totals)
                written += count
                if _trim(journal_id, last) == 0:
                    journals.forget(journal_id)
            else:
                journals.forget(journal_id)
        finally:
            journals.release(journal_id)
    if written:
        logger.warning("stats: wrote %d views and visits journaled by dead processes", written)
    return written


class Writer:
    """The queue of one process and its background flusher."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the queue
        self._flush_lock = threading.Lock()  # one write at a time
        self._queue: list[Entry] = []
        self._seq = itertools.count(1)
        self._seq_pid: int | None = None
        # Seqs taken by beacons whose Lua call has not come back yet: entries from that
        # seq on wait, so the mark never passes an entry journaled and not yet queued.
        self._inflight: set[int] = set()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pid: int | None = None
        self._thread: threading.Thread | None = None

    def begin(self) -> int:
        """A seq for a beacon about to be decided (and maybe journaled)."""
        with self._lock:
            if self._seq_pid != os.getpid():  # a forked child starts its own journal
                self._seq_pid = os.getpid()
                self._seq = itertools.count(1)
                self._inflight = set()
            seq = next(self._seq)
            self._inflight.add(seq)
        return seq

    def end(self, seq: int | None) -> None:
        """The beacon of `seq` is decided and queued if it counted anything."""
        if seq is None:
            return
        with self._lock:
            self._inflight.discard(seq)
            waiting = bool(self._queue)
        if waiting:
            self._wake.set()

    def add(self, view: View | None, visit: bool, site_key: int, seq: int | None = None) -> None:
        with self._lock:
            self._queue.append(Entry(seq, view, visit, site_key))
            self._inflight.discard(seq)
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                self._start()
        self._wake.set()

    def _start(self) -> None:
        if self._pid != os.getpid():  # first use in this process (gunicorn forks)
            self._pid = os.getpid()
            atexit.register(self.flush_at_exit)
        self._thread = threading.Thread(target=self._run, name="stats-flusher", daemon=True)
        self._thread.start()

    def pending(self, page_id: int) -> int:
        """Views of the page queued here and not yet written."""
        with self._lock:
            return sum(
                1
                for entry in self._queue
                if entry.view is not None and entry.view.target.page_id == page_id
            )

    def pending_visits(self, scope: str) -> int:
        """New visits queued here and not yet written, of a portal (its site key as
        text) or of the whole network."""
        with self._lock:
            if scope == sites.NETWORK:
                return sum(entry.visit for entry in self._queue)
            key = int(scope)
            return sum(entry.visit and entry.site_key == key for entry in self._queue)

    def flush(self) -> int:
        """Write everything queued (one transaction) and pop it off the journal; return
        how many entries. On a database error the entries go back to the queue and the
        error is raised."""
        with self._flush_lock:
            with self._lock:
                first_inflight = min(self._inflight, default=None)
                if first_inflight is None:
                    taken, self._queue = self._queue, []
                else:
                    taken, kept = [], []
                    for entry in self._queue:
                        early = entry.seq is None or entry.seq < first_inflight
                        (taken if early else kept).append(entry)
                    self._queue = kept
            if not taken:
                return 0
            journal_id = journal.identity()
            try:
                page_totals, site_totals, last, _ = write_entries(journal_id, taken)
            except BaseException:
                with self._lock:
                    self._queue[:0] = taken
                raise
        publish(page_totals, site_totals)
        _trim(journal_id, last)
        return len(taken)

    def _beat(self) -> None:
        """Renew this process's heartbeat and replay the journals of dead processes."""
        journals = _journals()
        if journals is None:
            return
        try:
            journals.beat(conf().journal_ttl_seconds)
            recover()
        except RedisError as exc:
            stores.fallback(exc)
        except Exception:
            logger.exception("stats: replaying the journals of dead processes failed")
            connection.close()

    def _run(self) -> None:
        flush_at: float | None = None
        beat_at = 0.0
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if now >= beat_at:
                    close_old_connections()
                    self._beat()
                    beat_at = time.monotonic() + conf().recover_seconds
                if flush_at is None:
                    if self._wake.wait(max(beat_at - time.monotonic(), 0)):
                        flush_at = time.monotonic() + conf().flush_seconds
                    continue
                if self._stop.wait(max(min(flush_at, beat_at) - time.monotonic(), 0)):
                    break
                if time.monotonic() < flush_at:
                    continue
                flush_at = None
                self._wake.clear()
                try:
                    close_old_connections()
                    self.flush()
                except Exception:
                    logger.exception("stats: writing counted views failed; retrying")
                    connection.close()
                    flush_at = time.monotonic() + RETRY_SECONDS
        finally:
            connection.close()

    def idle(self) -> bool:
        """Nothing queued and no write running in this process."""
        if self._flush_lock.locked():
            return False
        with self._lock:
            return not self._queue

    def stop(self, *, discard: bool = False) -> None:
        """Stop the flusher thread (it closes its database connection); the next
        queued entry starts a new one. With discard, forget what is queued (tests)."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._stop.set()
            self._wake.set()
            thread.join(10)
        self._thread = None
        self._stop = threading.Event()
        self._wake.clear()
        if discard:
            with self._lock:
                self._queue = []
                self._inflight = set()

    def flush_at_exit(self) -> None:
        if self._pid != os.getpid():
            return
        for attempt in range(3):
            try:
                written = self.flush()
            except Exception:
                logger.exception("stats: flush at exit failed (attempt %d)", attempt + 1)
                connection.close()
                time.sleep(0.5)
                continue
            if written:
                logger.info("stats: wrote %d queued views and visits at exit", written)
            return
        with self._lock:
            lost = sum(entry.view is not None for entry in self._queue)
            visits = sum(entry.visit for entry in self._queue)
        logger.error("stats: %d views and %d visits could not be written at exit", lost, visits)


writer = Writer()


def deferred() -> bool:
    """Whether a counted view or visit is queued (and journaled) rather than written in
    the request: not when STATS_FLUSH_SECONDS is 0, nor inside a transaction."""
    return conf().flush_seconds > 0 and not connection.in_atomic_block


def record(view: View | None, visit: bool, site_key: int, seq: int | None = None) -> None:
    """Queue a counted view and/or a visit of the portal `site_key` (or write it now
    inside a transaction)."""
    if not deferred():
        visits = {site_key: 1} if visit else {}
        page_totals, site_totals = write([view] if view is not None else [], visits)
        publish(page_totals, site_totals)
        return
    writer.add(view, visit, site_key, seq)
