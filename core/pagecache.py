"""The anonymous page cache.

Whole HTML responses of public pages are kept in the default cache: Redis in
production, so every app server shares them, and local memory on the embedded
default. Readers who are logged in, or who carry a session cookie (editors,
password-protected pages), always get a fresh page.

Invalidation is by generation, per portal (core.apps connects the signals):

* every portal (Wagtail Site) has its own generation, keyed by its host name; the
  default site's also covers every host no Site names (127.0.0.1). Publishing or
  unpublishing a page bumps the generation of the portal it belongs to, and of each
  portal showing an alias of it, once the transaction commits. That invalidates the
  page and everything that lists it there (home, its section, related articles) in one
  cheap step, and leaves the other portals' cached pages alone;
* changes that may touch every portal bump a shared generation: a page moved or
  deleted, a Site added, changed or removed (host names and roots), and a view
  restriction added, changed or removed (login, password or groups);
* an entry holds the shared and its portal's generations it was rendered in (read
  together with the entry, in one round trip) and is served only while both hold.

Newsrooms publish a few times an hour and are read thousands of times a minute, so a
re-render of the pages people actually open is the whole cost. Entries also expire
after PAGE_CACHE_SECONDS, which bounds time-based content such as "upcoming events".

Fragments and per-process copies that any change may affect (the section menu, Site
lookups, the list of private pages, the stats' page lookups) follow GENERATION_KEY,
which every change of either kind bumps.

View counts and the visitor widget keep counting on cached pages: the stats beacon
(a static script) reports each view and fills in the fresh numbers.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"  # any change, on any portal
SHARED_KEY = "pagecache:generation:shared"  # changes that may touch every portal
HOST_KEY = "pagecache:generation:host:{}"
DEFAULT_HOST = "*"  # the default site: its host and every host no Site names
SITES_MEMO_SECONDS = 60
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
    # "page:": entries name their portal's generation (older entries had another shape).
    return "pagecache:page:" + hashlib.sha256(location.encode()).hexdigest()[:32]


def _incr(key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:  # no generation yet (or the cache was flushed)
        # Started from the clock, not from 1: after a flush the numbers never come back
        # to one a process may still hold a copy of data for.
        start = time.time_ns() // 1_000_000
        return start if cache.add(key, start, timeout=None) else cache.incr(key)


def bump_generation() -> None:
    """Invalidate every cached page of every portal (once the transaction commits)."""
    _incr(SHARED_KEY)
    _saw(_incr(GENERATION_KEY))
    logger.info("page cache invalidated")


def bump_hosts(hosts) -> None:
    """Invalidate the cached pages of the portals served on `hosts` (DEFAULT_HOST for
    the default site)."""
    hosts = sorted(set(hosts))
    for host in hosts:
        _incr(HOST_KEY.format(host))
    # Menus, Site lookups and the stats' copies follow every change, on any portal.
    bump_fragments()
    logger.info("page cache invalidated for %s", ", ".join(hosts) or "no portal")


def bump_fragments() -> None:
    """Renew what `cached_until_publish` keeps, and no cached page: for data that no
    page shows but that readers must see changed at once (the search's picks)."""
    _saw(_incr(GENERATION_KEY))


def bump_fragments_on_commit(**kwargs) -> None:
    transaction.on_commit(bump_fragments)


# (GENERATION_KEY read, when, {host names of the non-default Sites}); a changed Site
# bumps GENERATION_KEY, which renews this copy (as does every publish, or a minute).
_site_hosts = (-1, 0.0, frozenset())


def _named_hosts(generation: int) -> frozenset:
    """The host names of the portals other than the default one."""
    global _site_hosts
    seen, read_at, hosts = _site_hosts
    # No generation yet (a flushed cache) proves nothing about the copy: read again.
    if not generation or seen != generation or time.monotonic() - read_at > SITES_MEMO_SECONDS:
        from wagtail.models import Site  # it loads models: not at import time

        try:
            hosts = frozenset(
                Site.objects.filter(is_default_site=False).values_list("hostname", flat=True)
            )
        except DatabaseError:
            # Only a response that was just rendered asks; it goes by the last copy,
            # and the list is read again next time.
            logger.warning("page cache: the portals' host names could not be read")
            return hosts
        _site_hosts = (generation, time.monotonic(), hosts)
    return hosts


def host_of(request) -> str:
    """The request's host name, without the port (already checked against ALLOWED_HOSTS)."""
    return split_domain_port(request.get_host())[0]


def page_hosts(page) -> set[str]:
    """The portals that show `page`: the one whose tree holds it, and those holding an
    alias of it. Empty when no Site's tree holds it (nothing cached shows it)."""
    from wagtail.models import Page, Site

    default_ids = set(Site.objects.filter(is_default_site=True).values_list("pk", flat=True))
    roots = Site.get_site_root_paths()
    paths = [page.url_path, *Page.objects.filter(alias_of=page).values_list("url_path", flat=True)]
    hosts = set()
    for url_path in paths:
        for root in roots:
            if url_path.startswith(root.root_path):
                default = root.site_id in default_ids
                hosts.add(DEFAULT_HOST if default else urlsplit(root.root_url).hostname)
    return hosts


def purge_page_on_commit(sender=None, instance=None, **kwargs) -> None:
    """page_published / page_unpublished: invalidate the portals that show the page."""
    transaction.on_commit(lambda: bump_hosts(page_hosts(instance)))


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
        host = host_of(request)
        # The entry names the portal generation it depends on (the host's own, or the
        # default site's), so serving it needs no lookup of which hosts are portals.
        own, default = HOST_KEY.format(host), HOST_KEY.format(DEFAULT_HOST)
        values = cache.get_many([GENERATION_KEY, SHARED_KEY, own, default, key])
        changes = _saw(values.get(GENERATION_KEY) or 0)
        shared = values.get(SHARED_KEY) or 0
        entry = values.get(key)
        if entry is not None:
            (entry_shared, portal_key, portal_generation), content = entry
            if entry_shared == shared and values.get(portal_key, 0) == portal_generation:
                return self.from_entry(content)

        response = self.get_response(request)
        if response_decision(response).cacheable:
            response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'  # noqa: S324
            response["Last-Modified"] = http_date()
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            # Stored with the generations read before rendering: if a publish landed
            # meanwhile, the entry is already stale and will not be served.
            portal_key = own if host in _named_hosts(changes) else default
            generation = (shared, portal_key, values.get(portal_key, 0))
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
