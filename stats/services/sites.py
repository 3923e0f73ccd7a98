"""Which portal a request counts for, and which figures its visitor widget shows.

A visit and a reader's presence belong to the portal of the host they happen on: the
Wagtail Site that answers the host (Wagtail's own rule, `Site.find_for_request`),
keyed by the Site's id. stats imports no app, so the key is the Site, never a portal
model of news. Each portal's widget shows its own figures unless its per-site settings
(`core.models.PortalSettings.visitor_stats_network`) ask for the whole network's:
"Trực tuyến" then counts distinct readers across every portal and "Đã truy cập" is the
sum of every portal's total.

Both answers are remembered per process for STATS_PAGE_CACHE_SECONDS, so a beacon
reads neither the database nor the shared cache for them (a page render has the Site
already: core.routing found it). Saving or deleting a Site or a portal's settings clears
them at once in the process that does it; other processes follow within the TTL.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.request import split_domain_port
from wagtail.models import Site

from core.models import PortalSettings
from stats.conf import changed, conf
from stats.models import NO_SITE

# The scope of the whole network's figures (every other scope is a site key).
NETWORK = "all"
# Most hosts remembered: the beacon's host passed ALLOWED_HOSTS, so they are few; the
# bound keeps a misconfigured wildcard from growing a worker's memory.
HOSTS_LIMIT = 1_000


@dataclass(frozen=True, slots=True)
class Portal:
    """The portal a request belongs to (`key`) and the figures its widget shows."""

    key: int
    network: bool = False

    @property
    def scope(self) -> str:
        """NETWORK, or the site key as text: what the stores key the shown figures by."""
        return NETWORK if self.network else str(self.key)


class _Memo:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.hosts: dict[tuple[str, str], tuple[float, int]] = {}
        self.network: dict[int, tuple[float, bool]] = {}
        self.default: tuple[float, int] | None = None

    def clear(self) -> None:
        with self._lock:
            self.hosts = {}
            self.network = {}
            self.default = None

    def default_key(self) -> int:
        now = time.monotonic()
        entry = self.default
        if entry is not None and entry[0] > now:
            return entry[1]
        site = Site.objects.filter(is_default_site=True).only("pk").first()
        key = NO_SITE if site is None else site.pk
        self.default = (now + conf().page_cache_seconds, key)
        return key

    def site_key(self, request) -> int:
        known = getattr(request, "_wagtail_site", None)  # core.routing's answer, if any
        if known is not None:
            return known.pk
        host = (split_domain_port(request.get_host())[0], request.get_port())
        now = time.monotonic()
        entry = self.hosts.get(host)
        if entry is not None and entry[0] > now:
            return entry[1]
        site = Site.find_for_request(request)
        key = NO_SITE if site is None else site.pk
        with self._lock:
            if len(self.hosts) >= HOSTS_LIMIT:
                self.hosts = {}
            self.hosts[host] = (now + conf().page_cache_seconds, key)
        return key

    def shows_network(self, key: int) -> bool:
        now = time.monotonic()
        entry = self.network.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        flag = bool(
            PortalSettings.objects.filter(site_id=key)
            .values_list("visitor_stats_network", flat=True)
            .first()
        )
        with self._lock:
            self.network[key] = (now + conf().page_cache_seconds, flag)
        return flag


memo = _Memo()


def for_request(request) -> Portal:
    """The portal of the request's host, as its widget shows it."""
    if request is None:
        return Portal(default_key())
    key = memo.site_key(request)
    return Portal(key, key != NO_SITE and memo.shows_network(key))


def for_site(key: int) -> Portal:
    """A portal by its site key, as its widget shows it."""
    return Portal(key, key != NO_SITE and memo.shows_network(key))


def default_key() -> int:
    """The default Site's key: visits from before portals were counted apart are its."""
    return memo.default_key()


def homes() -> list[tuple[str, int]]:
    """(path of the home page, site key) of every Site, deepest home first."""
    return list(
        Site.objects.order_by("-root_page__depth", "pk").values_list("root_page__path", "pk")
    )


def portal_of(path: str, known: list[tuple[str, int]]) -> int | None:
    """The key of the deepest Site in `known` (homes()) whose home holds `path`."""
    return next((key for root, key in known if path.startswith(root)), None)


def explorable_root(request):
    """The page the editor may explore from (Wagtail's rule), looked up once per request:
    the dashboard asks for it both for its widget and for its reports' scope."""
    root = getattr(request, "_stats_explorable_root", False)
    if root is False:
        from wagtail.permission_policies.pages import PagePermissionPolicy

        root = PagePermissionPolicy().explorable_root_instance(request.user)
        request._stats_explorable_root = root
    return root


def for_editor(request) -> Portal:
    """The portal an editor works on (the deepest Site whose home holds the pages the
    editor may explore), as its widget shows it; an editor of every portal (or of
    none) gets the portal of the admin's host."""
    root = explorable_root(request)
    if root is not None:
        key = portal_of(root.path, homes())
        if key is not None:
            return for_site(key)
    return for_request(request)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if changed(setting) or setting == "ALLOWED_HOSTS":
        memo.clear()
