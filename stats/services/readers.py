"""Who is asking: the reader cookie, the client IP, and the reasons a request is not counted."""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time

from django.conf import settings as django_settings
from django.core import signing
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from hitcount.models import BlacklistIP, BlacklistUserAgent

from core import net
from stats.conf import changed, conf

from .decisions import Reason

_SALT = "stats.reader"
_HEX = frozenset("0123456789abcdef")


def _signer() -> signing.Signer:
    """Django's signer for the reader cookie: SECRET_KEY signs, SECRET_KEY_FALLBACKS
    still verify (a key rotation keeps every reader)."""
    return signing.Signer(salt=_SALT, algorithm="sha256")


# Substrings of user agents that are not human readers (lower case).
BOT_MARKERS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "mediapartners",
    "facebookexternalhit",
    "embedly",
    "preview",
    "headless",
    "lighthouse",
    "python-requests",
    "python-urllib",
    "httpx",
    "aiohttp",
    "curl/",
    "wget/",
    "go-http-client",
    "java/",
    "okhttp",
    "scrapy",
    "phantomjs",
    "selenium",
    "puppeteer",
    "playwright",
    "uptime",
    "pingdom",
    "feedfetcher",
    "wrk",
)
PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
# The same, as WSGI environ keys (read directly: no per-request header dictionary).
_PREFETCH_META = tuple("HTTP_" + name.upper().replace("-", "_") for name in PREFETCH_HEADERS)


# --- the reader cookie -------------------------------------------------------------


def mint_reader() -> str:
    """A new random reader id (32 hex characters, fits Hit.session)."""
    return secrets.token_hex(16)


def signed(reader: str) -> str:
    return _signer().sign(reader)


def _unsigned(value: str) -> str | None:
    try:
        return _signer().unsign(value)
    except signing.BadSignature:
        return None


def reader_from(request: HttpRequest) -> str | None:
    """The reader id from a valid signed cookie, or None."""
    raw = request.COOKIES.get(conf().reader_cookie)
    if not raw or len(raw) > 200:
        return None
    reader = _unsigned(raw)
    if reader is None or len(reader) != 32 or not _HEX.issuperset(reader):
        return None
    return reader


def set_reader_cookie(response: HttpResponse, reader: str) -> None:
    settings = conf()
    response.set_cookie(
        settings.reader_cookie,
        signed(reader),
        max_age=int(settings.reader_cookie_age.total_seconds()),
        secure=settings.reader_cookie_secure,
        httponly=True,
        samesite="Lax",
    )


# --- the client IP -----------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The reader's address behind TRUSTED_PROXY_COUNT reverse proxies."""
    return net.client_ip(request, conf().trusted_proxy_count)


def address_block(ip: str) -> str:
    """Whose new readers are counted together: an IPv4 address, or the /64 of an IPv6
    address (one subscriber's prefix: a client can pick any address inside it)."""
    address = ipaddress.ip_address(ip)
    if address.version == 4:
        return ip
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


# --- exclusions --------------------------------------------------------------------


class _Blacklists:
    """hitcount's IP and user-agent blacklists, kept per process for a few seconds.

    Saving or deleting an entry clears this process's copy at once (stats.signals);
    other processes pick it up within STATS_BLACKLIST_CACHE_SECONDS.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expires = 0.0
        self._ips: frozenset[str] = frozenset()
        self._agents: frozenset[str] = frozenset()

    def clear(self) -> None:
        self._expires = 0.0

    def _load(self) -> tuple[frozenset[str], frozenset[str]]:
        now = time.monotonic()
        if now < self._expires:
            return self._ips, self._agents
        with self._lock:
            if now >= self._expires:
                self._ips = frozenset(BlacklistIP.objects.values_list("ip", flat=True))
                self._agents = frozenset(
                    BlacklistUserAgent.objects.values_list("user_agent", flat=True)
                )
                self._expires = now + conf().blacklist_cache_seconds
            return self._ips, self._agents

    def reason(self, ip: str, user_agent: str) -> Reason | None:
        ips, agents = self._load()
        if ip in ips:
            return Reason.BLACKLISTED_IP
        if user_agent in agents:
            return Reason.BLACKLISTED_USER_AGENT
        return None


blacklists = _Blacklists()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if changed(setting):
        blacklists.clear()


def is_bot(user_agent: str) -> bool:
    agent = user_agent.lower()
    if not agent:
        return True
    return any(marker in agent for marker in BOT_MARKERS + conf().bot_user_agents)


def is_prefetch(request: HttpRequest) -> bool:
    meta = request.META
    for key in _PREFETCH_META:
        value = meta.get(key)
        if not value:
            continue
        value = value.lower()
        if "prefetch" in value or "prerender" in value or value == "preview":
            return True
    return False


def user_of(request: HttpRequest):
    """The signed-in user, or None. Without a session cookie nobody is signed in, so
    readers' beacons never load the session and user machinery."""
    if django_settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user


def is_staff(request: HttpRequest) -> bool:
    user = user_of(request)
    if user is None:
        return False
    return user.is_staff or user.has_perm("wagtailadmin.access_admin")


def exclusion(request: HttpRequest, ip: str, user_agent: str) -> Reason | None:
    """Why this request is not a reader at all (counts nowhere), or None."""
    if is_prefetch(request):
        return Reason.PREFETCH
    if is_bot(user_agent):
        return Reason.BOT
    return blacklists.reason(ip, user_agent)
