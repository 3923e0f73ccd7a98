"""The anonymous page cache.

Whole HTML responses of public pages are kept in the default cache: Redis in
production, so every app server shares them, and local memory on the embedded
default. Readers who are logged in, or who carry a session cookie (editors,
password-protected pages), always get a fresh page.

Invalidation is by generation: every entry records the site-wide generation number
it was rendered in (read together with the entry, in one round trip), and
publishing, unpublishing, moving or deleting any page, and adding, changing or
removing a view restriction (login, password or groups, core.apps), bumps that number
once the transaction commits. That invalidates the page and everything that lists it (home,
its section, related articles) in one cheap step; newsrooms publish a few times an
hour and are read thousands of times a minute, so a re-render of the pages people
actually open is the whole cost. Entries also expire after
PAGE_CACHE_SECONDS, which bounds time-based content such as "upcoming events".

View counts and the visitor widget keep counting on cached pages: the stats beacon
(a static script) reports each view and fills in the fresh numbers.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
CACHED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
)


@dataclass(frozen=True)
class Decision:
    """Whether a request may be answered from, or stored in, the page cache, and why."""

    cacheable: bool
    reason: str


def request_decision(request) -> Decision:
    if not settings.PAGE_CACHE_SECONDS:
        return Decision(False, "disabled")
    if request.method not in ("GET", "HEAD"):
        return Decision(False, "method")
    if request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS):
        return Decision(False, "excluded path")
    # Logins are session-based, so a request without the session cookie is anonymous.
    # Not touching request.user keeps the session unread and "Vary: Cookie" off.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return Decision(False, "session cookie")
    return Decision(True, "anonymous")


def response_decision(response) -> Decision:
    if response.status_code != 200:
        return Decision(False, f"status {response.status_code}")
    if response.streaming:
        return Decision(False, "streaming")
    if response.cookies:
        return Decision(False, "sets a cookie")
    if not response.get("Content-Type", "").startswith("text/html"):
        return Decision(False, "not HTML")
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return Decision(False, "private")
    return Decision(True, "public page")


# The newest generation this process has read or made. Per-process copies of data that
# publishing or privacy changes affect (the stats' page lookups and most-read lists)
# compare against it, so they follow a change as soon as this process next touches the
# cache (every anonymous page request does), without a cache read of their own.
_seen_generation = 0


def seen_generation() -> int:
    return _seen_generation


def _saw(generation: int) -> int:
    global _seen_generation
    _seen_generation = generation
    return generation


def read_fresh(key: str):
    """(The current generation, the value stored under `key` if it was stored in that
    generation, else None), in one cache round trip."""
    values = cache.get_many([GENERATION_KEY, key])
    generation = _saw(values.get(GENERATION_KEY) or 0)
    entry = values.get(key)
    if entry is not None and entry[0] == generation:
        return generation, entry[1]
    return generation, None


def cached_until_publish(key: str, build, timeout: int):
    """A value kept in the cache until the next publish (or `timeout`).

    For fragments every page repeats, such as the section menu.
    """
    generation, value = read_fresh(key)
    if value is None:
        value = build()
        cache.set(key, (generation, value), timeout)
    return value


def cache_key(request) -> str:
    location = f"{request.get_host()}{request.get_full_path()}"
    return "pagecache:" + hashlib.sha256(location.encode()).hexdigest()[:32]


def bump_generation() -> None:
    """Invalidate every cached page (called once the publishing transaction commits)."""
    try:
        _saw(cache.incr(GENERATION_KEY))
    except ValueError:  # no generation yet (or the cache was flushed)
        # Started from the clock, not from 1: after a flush the numbers never come back
        # to one a process may still hold a copy of data for.
        start = time.time_ns() // 1_000_000
        if cache.add(GENERATION_KEY, start, timeout=None):
            _saw(start)
        else:
            _saw(cache.incr(GENERATION_KEY))
    logger.info("page cache invalidated")


def invalidate_on_commit(**kwargs) -> None:
    transaction.on_commit(bump_generation)


class PageCacheMiddleware:
    """Serve and store anonymous page HTML; mark every public response's cacheability."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        decision = request_decision(request)
        if not decision.cacheable:
            response = self.get_response(request)
            if not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        key = cache_key(request)
        generation, entry = read_fresh(key)
        if entry is not None:
            return self.from_entry(entry)

        response = self.get_response(request)
        if response_decision(response).cacheable:
            response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'  # noqa: S324
            response["Last-Modified"] = http_date()
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            # Stored with the generation read before rendering: if a publish landed
            # meanwhile, the entry is already stale and will not be served.
            cache.set(key, (generation, self.to_entry(response)), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "MISS"
        return response

    @staticmethod
    def to_entry(response) -> dict:
        headers = {name: response[name] for name in CACHED_HEADERS if name in response}
        return {"content": response.content, "headers": headers}

    @staticmethod
    def from_entry(entry):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"].items():
            response[name] = value
        response["X-Page-Cache"] = "HIT"
        return response
