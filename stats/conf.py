"""Every STATS_* setting, read in this one place.

`conf()` returns a frozen snapshot of the settings; it is rebuilt when a test changes
a setting (Django's `setting_changed` signal), so the rest of the app never calls
getattr on `django.conf.settings` itself. This module imports nothing else of stats:
the services that keep per-process state built from settings listen to
`setting_changed` themselves.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS = {
    # One view per reader per page within this window.
    "STATS_VIEW_WINDOW": timedelta(hours=24),
    # "Trực tuyến": distinct visitors seen within this many minutes.
    "STATS_ONLINE_WINDOW": timedelta(minutes=5),
    # "Đã truy cập": a visit is a visitor's first request after this idle gap.
    "STATS_VISIT_IDLE_GAP": timedelta(minutes=30),
    # The "Đã truy cập" total of a fresh installation (an administrator can change it).
    "STATS_VISITS_START": 0,
    # Redis for presence, de-duplication and the widget; None = database and local cache.
    "STATS_REDIS_URL": None,
    "STATS_REDIS_PREFIX": "stats:",
    # Redis socket timeouts (seconds): a dead or hung Redis must not hold a request.
    "STATS_REDIS_SOCKET_TIMEOUT": 0.25,
    # After a Redis error this process uses the database store for this many seconds
    # before trying Redis again (a circuit breaker; no request waits on a dead Redis).
    "STATS_REDIS_RETRY_SECONDS": 5,
    # A repeat beacon (same reader, same page) within this many seconds of the one this
    # process last sent to Redis is answered from the process's memory, with the numbers
    # Redis returned then; 0 = always ask Redis.
    "STATS_LOCAL_SECONDS": 1.0,
    # With Redis, counted views and visits reach the database in batches written by a
    # per-process background thread this many seconds after the first pending one (and
    # at worker exit); 0 = written in the request.
    "STATS_FLUSH_SECONDS": 0.05,
    # With Redis, each counted view and visit is also journaled in Redis by the call that
    # decides it, until its batch is in the database. A process's writer thread renews
    # its journal's heartbeat (expiring after STATS_JOURNAL_TTL_SECONDS) and, every
    # STATS_RECOVER_SECONDS, writes the journals of processes whose heartbeat expired
    # (killed before their queue was written).
    "STATS_JOURNAL_TTL_SECONDS": 15,
    "STATS_RECOVER_SECONDS": 5,
    # How long one process trusts its page -> counter mapping (publish/unpublish/delete
    # clear it at once in the process that makes the change).
    "STATS_PAGE_CACHE_SECONDS": 10,
    # At most this many new reader cookies per client address per minute. A script that
    # posts without a cookie, takes the cookie from the 428 and posts again would add a
    # view per round; beyond the bound it is answered with the reason "rate" and no
    # cookie. Generous, since a carrier's NAT puts many phones behind one address.
    "STATS_NEW_READERS_PER_MINUTE": 120,
    # The reader cookie: a signed random id, no database session.
    "STATS_READER_COOKIE": "portal_reader",
    "STATS_READER_COOKIE_AGE": timedelta(days=365),
    "STATS_READER_COOKIE_SECURE": False,
    # Page models whose views are counted ("app_label.ModelName"); empty = every page type.
    "STATS_COUNTED_PAGE_MODELS": (),
    # Attribute of the specific page holding the count carried over from an older system.
    "STATS_INITIAL_COUNT_ATTRIBUTE": "initial_view_count",
    # "Đọc nhiều nhất": list length and how long the computed lists are cached.
    "STATS_MOST_READ_LIMIT": 5,
    "STATS_MOST_READ_CACHE_SECONDS": 300,
    # ... and how long one process keeps its own copy, so a page render reads no cache.
    "STATS_MOST_READ_LOCAL_SECONDS": 30,
    # How long one process trusts its copy of the IP / user-agent blacklists.
    "STATS_BLACKLIST_CACHE_SECONDS": 30,
    # Largest beacon body accepted, in bytes.
    "STATS_MAX_BODY_BYTES": 512,
    # Extra user-agent substrings treated as bots (case-insensitive), besides the built-ins.
    "STATS_BOT_USER_AGENTS": (),
    # PostgreSQL's work_mem for the statement of a report's breakdowns (top pages,
    # sections, authors): a year's grouping of every page read spills to disk at the
    # server's default 4 MB. Set for that transaction only (SET LOCAL); "" = the default.
    "STATS_REPORT_WORK_MEM": "64MB",
}


@dataclass(frozen=True)
class StatsConf:
    view_window: timedelta
    online_window: timedelta
    visit_idle_gap: timedelta
    visits_start: int
    redis_url: str | None
    redis_prefix: str
    redis_socket_timeout: float
    redis_retry_seconds: float
    local_seconds: float
    flush_seconds: float
    journal_ttl_seconds: float
    recover_seconds: float
    page_cache_seconds: float
    trusted_proxy_count: int
    new_readers_per_minute: int
    reader_cookie: str
    reader_cookie_age: timedelta
    reader_cookie_secure: bool
    counted_page_models: tuple[str, ...]
    initial_count_attribute: str
    most_read_limit: int
    most_read_cache_seconds: int
    most_read_local_seconds: float
    blacklist_cache_seconds: int
    max_body_bytes: int
    bot_user_agents: tuple[str, ...]
    report_work_mem: str


def _read() -> StatsConf:
    values = {}
    for name, default in DEFAULTS.items():
        value = getattr(settings, name, default)
        if isinstance(default, timedelta) and not isinstance(value, timedelta):
            value = timedelta(seconds=int(value))
        values[name.removeprefix("STATS_").lower()] = value
    # The one project-wide setting: core reads the same for the login lockout.
    values["trusted_proxy_count"] = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    values["new_readers_per_minute"] = max(int(values["new_readers_per_minute"]), 1)
    values["redis_url"] = values["redis_url"] or None
    values["counted_page_models"] = tuple(m.lower() for m in values["counted_page_models"])
    values["bot_user_agents"] = tuple(ua.lower() for ua in values["bot_user_agents"])
    return StatsConf(**values)


@functools.cache
def conf() -> StatsConf:
    return _read()


@receiver(setting_changed)
def _reload(*, setting: str, **kwargs) -> None:
    if changed(setting):
        conf.cache_clear()


def changed(setting: str) -> bool:
    """Whether a `setting_changed` signal concerns the stats settings."""
    return setting.startswith("STATS_") or setting == "TRUSTED_PROXY_COUNT"
