"""Presence, visit detection and "already counted" marks.

Two stores share one interface:

- RedisStore (REDIS_URL set): one Lua script call per beacon, atomic in Redis, right
  across any number of app processes and machines.
- DatabaseStore (the embedded default): conditional UPDATEs and unique constraints,
  right across the workers of one server.

Presence and visits are per portal (the Site of the beacon's host, sites.Portal): a
reader of two portals is one reader and one visit of each. The network's "Trực tuyến"
counts distinct readers across every portal, its "Đã truy cập" is the sum of every
portal's total.

Totals (page views, visits) are never kept only here: they are incremented in the
database by stats.services.totals, so losing Redis loses no total.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.core.signals import setting_changed
from django.db import IntegrityError, transaction
from django.db.models import F, Func, Max, Subquery, Sum
from django.dispatch import receiver
from hitcount.models import HitCount

from stats.conf import changed, conf
from stats.models import NewReaders, ReaderMark, SiteCounter, SiteVisitor

from . import journal
from .pages import CountedPage
from .sites import NETWORK, Portal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Touch:
    new_visit: bool
    first_view: bool | None  # None when no page was given
    online: int  # of the portal's widget (its own, or the network's)
    visits: int | None  # the total the widget shows, when the store knows it
    views: int | None = None  # the page's total, when the store knows it
    local: bool = False  # answered from this process's memory (RedisStore.remember)


@dataclass(frozen=True)
class Numbers:
    """What a page render shows: one read of the store."""

    online: int
    visits: int | None
    views: int | None  # None: not asked for, or not known to the store


# Keys: 1 the network's online zset, 2 the portal's online zset, 3 the reader's last
#       request on the portal, 4 the portal's visits mirror, 5 the network's visits
#       mirror, 6 this process's journal, 7 the set of journals,
#       8 and 9 (optional) the reader's mark for the page and the page's views mirror.
# ARGV: 1 now (s), 2 online cutoff (s), 3 reader, 4 idle gap (s), 5 view window (s),
#       6 the journal record ('' = none), 7 its seq, 8 the journal id, 9 '1' when the
#       portal's widget shows the network's figures.
# Values are timestamps from the app, not Redis's clock, so the windows follow the
# app's time (and time travel in tests); key expiry only collects garbage.
# "Trực tuyến" is a ZCOUNT from the cutoff, exact whatever the set still holds, so a
# presence set drops the readers gone past the window only when it gains a member: it
# never holds more than the readers of the window at its last growth, and a returning
# reader's beacon costs two Redis commands fewer.
# A new visit and a first view also add 1 to the mirrors when they exist, so the reply
# carries the fresh totals; the durable +1 reaches the database from the app (batch.py),
# and the record is journaled in the same call (journal.py): "counted" implies journaled.
# A missing mirror (after a flush) stays missing: the app seeds it from the database.
_TOUCH = """
local now = tonumber(ARGV[1])
for i = 1, 2 do
  if redis.call('ZADD', KEYS[i], now, ARGV[3]) == 1 then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[2])
  end
end
local gap = tonumber(ARGV[4])
local last = tonumber(redis.call('GET', KEYS[3]))
local new_visit = 0
if (not last) or (now - last >= gap) then new_visit = 1 end
redis.call('SET', KEYS[3], ARGV[1], 'EX', math.ceil(gap) + 60)
local visits = {redis.call('GET', KEYS[4]), redis.call('GET', KEYS[5])}
if new_visit == 1 then
  for i = 1, 2 do
    if visits[i] then visits[i] = redis.call('INCR', KEYS[3 + i]) end
  end
end
local first_view = -1
local views = false
if #KEYS >= 9 then
  local window = tonumber(ARGV[5])
  local counted = tonumber(redis.call('GET', KEYS[8]))
  views = redis.call('GET', KEYS[9])
  if (not counted) or (now - counted >= window) then
    redis.call('SET', KEYS[8], ARGV[1], 'EX', math.ceil(window) + 60)
    first_view = 1
    if views and tonumber(views) >= 0 then
      views = redis.call('INCR', KEYS[9])
    else
      views = false
    end
  else
    first_view = 0
  end
end
if ARGV[6] ~= '' and (new_visit == 1 or first_view == 1) then
  redis.call('RPUSH', KEYS[6], ARGV[7] .. ' ' .. new_visit .. ' ' .. first_view .. ' ' .. ARGV[6])
  redis.call('SADD', KEYS[7], ARGV[8])
end
local shown = 2
if ARGV[9] == '1' then shown = 1 end
local online = redis.call('ZCOUNT', KEYS[shown], ARGV[2], '+inf')
return {new_visit, first_view, online, visits[3 - shown], views}
"""

# Raise mirrors of totals to the values read back from the database, unless already
# higher: totals only grow, so each mirror ends equal to the database total whatever
# order the writers arrive in. KEYS[i] gets ARGV[i]; an empty ARGV leaves it alone.
# ARGV[#KEYS + 1]: expiry in seconds of the page mirrors (0 = none); ARGV[#KEYS + 2]:
# how many keys come first that are visits mirrors (they do not expire).
_RAISE = """
local ttl = tonumber(ARGV[#KEYS + 1])
local totals = tonumber(ARGV[#KEYS + 2])
for i, key in ipairs(KEYS) do
  if ARGV[i] ~= '' then
    local current = tonumber(redis.call('GET', key))
    if (not current) or tonumber(ARGV[i]) > current then
      redis.call('SET', key, ARGV[i])
    end
    if ttl > 0 and i > totals then redis.call('EXPIRE', key, ttl) end
  end
end
return 1
"""

# An administrator's change of a portal's starting total moves the portal's and the
# network's visits mirrors by the difference, where they exist (a missing one is seeded
# from the database, which has the new total already). ARGV[1]: the difference.
_SHIFT = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('INCRBY', key, ARGV[1]) end
end
return 1
"""

# Page views mirrors are refreshed from the database at least this often.
VIEWS_MIRROR_SECONDS = 3600
# Most entries a process keeps of the beacons it answered in the last second. Entries
# older than STATS_LOCAL_SECONDS are dropped when the limit is reached, so the memo stays
# about as big as one second of traffic: a worker's memory must not creep.
RECENT_LIMIT = 2_000
# Most portals whose keys a process keeps (there are as many as Sites; the bound only
# keeps a worker's memory flat whatever happens).
PORTAL_KEYS_LIMIT = 1_000


def minute_of(now: datetime) -> int:
    """The minute a new reader is counted in (minutes since the Unix epoch, the app's
    clock), for STATS_NEW_READERS_PER_MINUTE."""
    return int(now.timestamp() // 60)


class RedisStore:
    def __init__(self, url: str, prefix: str) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        timeout = conf().redis_socket_timeout
        # No retries inside redis-py: one failed call trips the breaker (see `active`).
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self.prefix = prefix
        self._raise = self.client.register_script(_RAISE)
        self._shift = self.client.register_script(_SHIFT)
        # The beacon's one round trip (EVALSHA, loaded again after SCRIPT FLUSH).
        self._touch = self.client.register_script(_TOUCH)
        self._online_key = self.online_key(NETWORK).encode()
        self._visits_key = self.visits_key(NETWORK).encode()
        self._journals_key = journal.journals_key(prefix).encode()
        self._journal: tuple[str, bytes, bytes] | None = None  # id, key, id as bytes
        self._site_keys: dict[int, tuple[bytes, bytes, bytes]] = {}  # see _portal_keys
        self.journals = journal.Journals(self.client, prefix)
        # (reader, site key, page id or None) -> (timestamp, what a repeat beacon answers):
        # see touch.
        self._recent: dict[tuple[str, int, int | None], tuple[float, Touch]] = {}

    def _key(self, *parts: object) -> str:
        return self.prefix + ":".join(str(part) for part in parts)

    def visits_key(self, scope: str) -> str:
        """The visits mirror of a portal (its site key) or of the whole network."""
        return self._key("visits") if scope == NETWORK else self._key("visits", scope)

    def online_key(self, scope: str) -> str:
        """Readers present on a portal, or on any portal (the network)."""
        return self._key("online") if scope == NETWORK else self._key("online", scope)

    def views_key(self, page_id: int) -> str:
        return self._key("views", page_id)

    def _portal_keys(self, site_key: int) -> tuple[bytes, bytes, bytes]:
        """A portal's presence set, its readers' key prefix and its visits mirror, as
        the beacon's Lua call takes them (built once per process and portal)."""
        keys = self._site_keys.get(site_key)
        if keys is None:
            site = str(site_key)
            keys = (
                self.online_key(site).encode(),
                (self._key("visitor", site) + ":").encode(),
                self.visits_key(site).encode(),
            )
            if len(self._site_keys) >= PORTAL_KEYS_LIMIT:
                self._site_keys = {}
            self._site_keys[site_key] = keys
        return keys

    def _journal_args(self) -> tuple[bytes, bytes]:
        """This process's journal key and id (a new journal after a fork)."""
        current = journal.identity()
        if self._journal is None or self._journal[0] != current:
            key = journal.journal_key(self.prefix, current).encode()
            self._journal = (current, key, current.encode())
        return self._journal[1], self._journal[2]

    def touch(
        self,
        reader: str,
        target: CountedPage | None,
        now: datetime,
        portal: Portal,
        entry: tuple[int, bytes] | None = None,
    ) -> Touch:
        """Presence, visit and "already counted" decision: one Lua call, atomic in Redis.
        `entry` (seq, record): what to journal if the beacon counts a view or a visit.
        Presence and the visit are the portal's; the answer carries the figures its
        widget shows.

        A beacon of the same reader for the same page that this process decided less
        than STATS_LOCAL_SECONDS ago is a repeat without asking Redis (the view window
        and the idle gap are far longer), answered with the numbers Redis returned then.
        """
        settings = conf()
        ts = now.timestamp()
        page_id = None if target is None else target.page_id
        fresh = settings.local_seconds
        if fresh > 0:
            recent = self._recent.get((reader, portal.key, page_id))
            if recent is not None and recent[0] <= ts < recent[0] + fresh:
                return recent[1]
        journal_key, journal_id = self._journal_args()
        online, visitor, visits = self._portal_keys(portal.key)
        keys = [
            self._online_key,
            online,
            visitor + reader.encode(),
            visits,
            self._visits_key,
            journal_key,
            self._journals_key,
        ]
        if target is not None:
            keys += [
                self._key("seen", page_id, reader).encode(),
                self.views_key(page_id).encode(),
            ]
        args = [
            repr(ts).encode(),
            repr(ts - settings.online_window.total_seconds()).encode(),
            reader.encode(),
            repr(settings.visit_idle_gap.total_seconds()).encode(),
            repr(settings.view_window.total_seconds()).encode(),
            b"" if entry is None else entry[1],
            b"0" if entry is None else str(entry[0]).encode(),
            journal_id,
            b"1" if portal.network else b"0",
        ]
        new_visit, first_view, online, visits, views = self._touch(keys=keys, args=args)
        return Touch(
            new_visit=bool(new_visit),
            first_view=None if first_view < 0 else bool(first_view),
            online=int(online),
            visits=None if visits is None else int(visits),
            views=None if views is None else int(views),
        )

    def remember(
        self,
        reader: str,
        target: CountedPage | None,
        now: datetime,
        portal: Portal,
        touch: Touch,
        *,
        views: int | None,
        visits: int | None,
    ) -> None:
        """Keep the answer for a repeat of this beacon (see touch), with the numbers as
        finally shown (`views` and `visits`: the mirrors filled in)."""
        if conf().local_seconds <= 0 or touch.local:
            return  # an answer from memory is never renewed: Redis is asked again
        ts = now.timestamp()
        if len(self._recent) >= RECENT_LIMIT:
            self._prune_recent(ts)
        # Built directly: dataclasses.replace() is slow for a path every repeat takes.
        repeat = Touch(
            new_visit=False,
            first_view=None if target is None else False,
            online=touch.online,
            visits=visits,
            views=views,
            local=True,
        )
        page_id = None if target is None else target.page_id
        self._recent[(reader, portal.key, page_id)] = (ts, repeat)

    def _prune_recent(self, now: float) -> None:
        """Keep only the entries a repeat could still use (a new dict: memory is given
        back); if a second of traffic is more than the limit, start again empty."""
        oldest = now - conf().local_seconds
        self._recent = {key: entry for key, entry in self._recent.items() if entry[0] > oldest}
        if len(self._recent) >= RECENT_LIMIT:
            self._recent = {}

    def forget_recent(self) -> None:
        self._recent.clear()

    def forget_view(self, reader: str, target: CountedPage) -> None:
        """Undo a mark whose count could not be written, so the next beacon counts."""
        for key in [key for key in self._recent if key[0] == reader and key[2] == target.page_id]:
            self._recent.pop(key, None)
        self.client.delete(self._key("seen", target.page_id, reader))

    def numbers(
        self,
        now: datetime,
        portal: Portal,
        page_id: int | None = None,
        content_type_id: int | None = None,
    ) -> Numbers:
        """One round trip (one pipeline): online, the visits mirror (of the portal or
        the network, as its widget shows them), the page's mirror."""
        cutoff = now.timestamp() - conf().online_window.total_seconds()
        pipe = self.client.pipeline(transaction=False)
        pipe.zcount(self.online_key(portal.scope), repr(cutoff), "+inf")
        pipe.get(self.visits_key(portal.scope))
        if page_id is not None:
            pipe.get(self.views_key(page_id))
        online, visits, *views = pipe.execute()
        views = views[0] if views else None
        return Numbers(
            int(online),
            None if visits is None else int(visits),
            None if views is None else int(views),
        )

    def publish(
        self, *, visits: dict[str, int] | None = None, views: dict[int, int] | None = None
    ) -> None:
        """Raise the mirrors to totals read from the database (one Lua call): `visits`
        by scope (a site key as text, or NETWORK), `views` by page id."""
        visits, views = visits or {}, views or {}
        keys = [self.visits_key(scope) for scope in visits]
        keys += [self.views_key(page) for page in views]
        args = [*visits.values(), *views.values(), VIEWS_MIRROR_SECONDS, len(visits)]
        self._raise(keys=keys, args=args)

    def shift_visits(self, site_key: int, difference: int) -> None:
        """A portal's starting total changed by `difference`: its mirror and the
        network's follow."""
        self._recent.clear()
        keys = [self.visits_key(str(site_key)), self.visits_key(NETWORK)]
        self._shift(keys=keys, args=[difference])

    def admit_new_reader(self, address: str, now: datetime) -> bool:
        """Count a reader cookie issued to `address` in this minute; False when the
        address already had STATS_NEW_READERS_PER_MINUTE of them (then none is issued)."""
        key = self._key("new-readers", address, minute_of(now))
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, 120)
        issued, _ = pipe.execute()
        return issued <= conf().new_readers_per_minute


class DatabaseStore:
    """The embedded default: every decision is one conditional statement, so concurrent
    workers cannot both win it (PostgreSQL re-checks the WHERE after a row lock; SQLite
    runs writers one at a time)."""

    def touch(
        self, reader: str, target: CountedPage | None, now: datetime, portal: Portal
    ) -> Touch:
        settings = conf()
        new_visit = self._visit(portal.key, reader, now, now - settings.visit_idle_gap)
        first_view = None
        if target is not None:
            first_view = self._first_view(
                reader, target.hitcount_id, now, now - settings.view_window
            )
        numbers = self.numbers(now, portal)
        return Touch(new_visit, first_view, numbers.online, numbers.visits)

    @staticmethod
    def _visit(site_key: int, reader: str, now: datetime, idle_cutoff: datetime) -> bool:
        visitor = SiteVisitor.objects.filter(site_key=site_key, reader=reader)
        if visitor.filter(last_seen__gt=idle_cutoff).update(last_seen=now):
            return False  # still within the visit
        if visitor.filter(last_seen__lte=idle_cutoff).update(last_seen=now):
            return True  # back after the idle gap: a new visit
        try:
            with transaction.atomic():
                SiteVisitor.objects.create(site_key=site_key, reader=reader, last_seen=now)
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

    def forget_view(self, reader: str, target: CountedPage) -> None:
        ReaderMark.objects.filter(hitcount_id=target.hitcount_id, reader=reader).delete()

    @staticmethod
    def admit_new_reader(address: str, now: datetime) -> bool:
        """As RedisStore.admit_new_reader, with one conditional UPDATE: concurrent workers
        cannot both take the last place of the minute."""
        bound = conf().new_readers_per_minute
        rows = NewReaders.objects.filter(address=address, minute=minute_of(now))
        if rows.filter(count__lt=bound).update(count=F("count") + 1):
            return True
        if rows.exists():
            return False  # the minute's places are taken
        try:
            with transaction.atomic():
                NewReaders.objects.create(address=address, minute=minute_of(now), count=1)
        except IntegrityError:  # a concurrent request created the row: one more try
            return bool(rows.filter(count__lt=bound).update(count=F("count") + 1))
        return True

    @staticmethod
    def _present(now: datetime, portal: Portal):
        """Readers present on the portal, or distinct readers on any portal."""
        present = SiteVisitor.objects.filter(last_seen__gte=now - conf().online_window)
        if not portal.network:
            present = present.filter(site_key=portal.key)
        return present

    def numbers(
        self,
        now: datetime,
        portal: Portal,
        page_id: int | None = None,
        content_type_id: int | None = None,
    ) -> Numbers:
        """One query: online visitors, the visits total (of the portal or the whole
        network, as its widget shows them) and the page's total."""
        distinct = "COUNT(DISTINCT %(expressions)s)" if portal.network else "COUNT(%(expressions)s)"
        online = (
            self._present(now, portal)
            .order_by()
            .values(n=Func(F("reader"), function="COUNT", template=distinct))
        )
        counters = SiteCounter.objects.all()
        if not portal.network:
            counters = counters.filter(site_key=portal.key)
        # An aggregate over the portal's row (or every row), with the two uncorrelated
        # subqueries as aggregates of themselves: one statement.
        aggregates = {
            "visits": Sum(F("visits_start") + F("visits")),
            "online": Max(Subquery(online)),
        }
        if page_id is not None:
            hits = HitCount.objects.filter(object_pk=page_id, content_type_id=content_type_id)
            aggregates["views"] = Max(Subquery(hits.values("hits")[:1]))
        values = counters.aggregate(**aggregates)
        if values["visits"] is None:  # no counter row yet
            return Numbers(self._online(now, portal), None, None)
        views = values.get("views")
        return Numbers(
            int(values["online"] or 0), int(values["visits"]), None if views is None else views
        )

    def _online(self, now: datetime, portal: Portal) -> int:
        present = self._present(now, portal)
        if portal.network:
            return present.values("reader").distinct().count()
        return present.count()

    def publish(
        self, *, visits: dict[str, int] | None = None, views: dict[int, int] | None = None
    ) -> None:
        """The database is the store: nothing to mirror."""

    def shift_visits(self, site_key: int, difference: int) -> None:
        """The database is the store: nothing to mirror."""


_lock = threading.Lock()
_redis: RedisStore | None = None
_database = DatabaseStore()


class _Breaker:
    """After a Redis error, use the database store for STATS_REDIS_RETRY_SECONDS in this
    process, then try Redis again: requests never queue behind a dead Redis."""

    def __init__(self) -> None:
        self.open_until = 0.0

    @property
    def closed(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self, exc: Exception) -> None:
        if self.closed:
            logger.warning(
                "stats: Redis unavailable (%s); using the database store for %ss",
                exc,
                conf().redis_retry_seconds,
            )
        self.open_until = time.monotonic() + conf().redis_retry_seconds

    def reset(self) -> None:
        self.open_until = 0.0


breaker = _Breaker()


def _redis_store() -> RedisStore | None:
    global _redis
    settings = conf()
    if not settings.redis_url:
        return None
    if _redis is None:
        with _lock:
            if _redis is None:
                _redis = RedisStore(settings.redis_url, settings.redis_prefix)
    return _redis


def get_store() -> RedisStore | DatabaseStore:
    """The configured store: Redis with REDIS_URL, else the database."""
    return _redis_store() or _database


def active() -> RedisStore | DatabaseStore:
    """The store to use now: the configured one, or the database while Redis is failing."""
    store = get_store()
    if isinstance(store, RedisStore) and not breaker.closed:
        return _database
    return store


def fallback(exc: Exception) -> DatabaseStore:
    """Record a Redis failure and return the store to use instead."""
    breaker.trip(exc)
    return _database


def reset() -> None:
    """Forget the store (settings changed in a test)."""
    global _redis
    with _lock:
        _redis = None
    breaker.reset()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if changed(setting):
        reset()
