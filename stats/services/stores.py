"""Presence, visit detection and "already counted" marks.

Two stores share one interface:

- RedisStore (REDIS_URL set): one Lua script call per beacon, atomic in Redis, right
  across any number of app processes and machines.
- DatabaseStore (the embedded default): conditional UPDATEs and unique constraints,
  right across the workers of one server.

Totals (page views, visits) are never kept only here: they are incremented in the
database by stats.services.counters, so losing Redis loses no total.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Func, Subquery

from stats.conf import conf
from stats.models import SITE_COUNTER_ID, ReaderMark, SiteCounter, Visitor

from .targets import Target


@dataclass(frozen=True)
class Touch:
    new_visit: bool
    first_view: bool | None  # None when no page was given
    online: int
    visits: int | None  # the total, when the store knows it


# Keys: 1 online zset, 2 visitor's last request, 3 visits total mirror, 4 (optional) mark.
# ARGV: 1 now (s), 2 online cutoff (s), 3 reader, 4 idle gap (s), 5 view window (s).
# Values are timestamps from the app, not Redis's clock, so the windows follow the
# app's time (and time travel in tests); key expiry only collects garbage.
_TOUCH = """
local now = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
local gap = tonumber(ARGV[4])
local last = tonumber(redis.call('GET', KEYS[2]))
local new_visit = 0
if (not last) or (now - last >= gap) then new_visit = 1 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', math.ceil(gap) + 60)
local first_view = -1
if #KEYS >= 4 then
  local window = tonumber(ARGV[5])
  local counted = tonumber(redis.call('GET', KEYS[4]))
  if (not counted) or (now - counted >= window) then
    redis.call('SET', KEYS[4], ARGV[1], 'EX', math.ceil(window) + 60)
    first_view = 1
  else
    first_view = 0
  end
end
local online = redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf')
return {new_visit, first_view, online, redis.call('GET', KEYS[3])}
"""

# Raise the visits mirror to ARGV[1] unless it is already higher: totals only grow, so
# the mirror ends equal to the database total whatever order the writers arrive in.
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]))
if (not current) or tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0
"""


class RedisStore:
    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._touch = self.client.register_script(_TOUCH)
        self._raise = self.client.register_script(_RAISE)

    def _key(self, *parts: object) -> str:
        return self.prefix + ":".join(str(part) for part in parts)

    @property
    def visits_key(self) -> str:
        return self._key("visits")

    def touch(self, reader: str, target: Target | None, now: datetime) -> Touch:
        settings = conf()
        keys = [self._key("online"), self._key("visitor", reader), self.visits_key]
        if target is not None:
            keys.append(self._key("seen", target.page_id, reader))
        ts = now.timestamp()
        args = [
            repr(ts),
            repr(ts - settings.online_window.total_seconds()),
            reader,
            settings.visit_idle_gap.total_seconds(),
            settings.view_window.total_seconds(),
        ]
        new_visit, first_view, online, visits = self._touch(keys=keys, args=args)
        return Touch(
            new_visit=bool(new_visit),
            first_view=None if first_view < 0 else bool(first_view),
            online=int(online),
            visits=None if visits is None else int(visits),
        )

    def forget_view(self, reader: str, target: Target) -> None:
        """Undo a mark whose count could not be written, so the next beacon counts."""
        self.client.delete(self._key("seen", target.page_id, reader))

    def widget(self, now: datetime) -> tuple[int, int | None]:
        cutoff = now.timestamp() - conf().online_window.total_seconds()
        pipe = self.client.pipeline(transaction=False)
        pipe.zcount(self._key("online"), repr(cutoff), "+inf")
        pipe.get(self.visits_key)
        online, visits = pipe.execute()
        return int(online), None if visits is None else int(visits)

    def publish_visits(self, total: int) -> None:
        self._raise(keys=[self.visits_key], args=[total])

    def replace_visits(self, total: int) -> None:
        self.client.set(self.visits_key, total)


class DatabaseStore:
    """The embedded default: every decision is one conditional statement, so concurrent
    workers cannot both win it (PostgreSQL re-checks the WHERE after a row lock; SQLite
    runs writers one at a time)."""

    def touch(self, reader: str, target: Target | None, now: datetime) -> Touch:
        settings = conf()
        new_visit = self._visit(reader, now, now - settings.visit_idle_gap)
        first_view = None
        if target is not None:
            first_view = self._first_view(
                reader, target.hitcount_id, now, now - settings.view_window
            )
        online, visits = self.widget(now)
        return Touch(new_visit=new_visit, first_view=first_view, online=online, visits=visits)

    @staticmethod
    def _visit(reader: str, now: datetime, idle_cutoff: datetime) -> bool:
        visitor = Visitor.objects.filter(reader=reader)
        if visitor.filter(last_seen__gt=idle_cutoff).update(last_seen=now):
            return False  # still within the visit
        if visitor.filter(last_seen__lte=idle_cutoff).update(last_seen=now):
            return True  # back after the idle gap: a new visit
        try:
            with transaction.atomic():
                Visitor.objects.create(reader=reader, last_seen=now)
        except IntegrityError:
            return False  # a concurrent request of the same reader got there first
        return True

    @staticmethod
    def _first_view(reader: str, hitcount_id: int, now: datetime, cutoff: datetime) -> bool:
        marks = ReaderMark.objects.filter(hitcount_id=hitcount_id, reader=reader)
        if marks.filter(counted_at__gt=cutoff).exists():
            return False
        if marks.filter(counted_at__lte=cutoff).update(counted_at=now):
            return True
        try:
            with transaction.atomic():
                ReaderMark.objects.create(hitcount_id=hitcount_id, reader=reader, counted_at=now)
        except IntegrityError:
            return False
        return True

    def forget_view(self, reader: str, target: Target) -> None:
        ReaderMark.objects.filter(hitcount_id=target.hitcount_id, reader=reader).delete()

    def widget(self, now: datetime) -> tuple[int, int | None]:
        """One query: online visitors and the visits total."""
        online = (
            Visitor.objects.filter(last_seen__gte=now - conf().online_window)
            .order_by()
            .values(n=Func(F("reader"), function="COUNT"))
        )
        row = (
            SiteCounter.objects.filter(pk=SITE_COUNTER_ID)
            .annotate(online=Subquery(online))
            .values_list("online", F("visits_start") + F("visits"))
            .first()
        )
        if row is None:
            return Visitor.objects.filter(last_seen__gte=now - conf().online_window).count(), None
        return row[0] or 0, row[1]

    def publish_visits(self, total: int) -> None:
        """The database is the store: nothing to mirror."""

    def replace_visits(self, total: int) -> None:
        """The database is the store: nothing to mirror."""


_lock = threading.Lock()
_store: RedisStore | DatabaseStore | None = None


def get_store() -> RedisStore | DatabaseStore:
    global _store
    if _store is None:
        with _lock:
            if _store is None:
                settings = conf()
                if settings.redis_url:
                    _store = RedisStore(settings.redis_url, settings.redis_prefix)
                else:
                    _store = DatabaseStore()
    return _store


def reset() -> None:
    """Forget the store (settings changed in a test)."""
    global _store
    with _lock:
        _store = None
