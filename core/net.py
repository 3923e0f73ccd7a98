"""The client's address behind reverse proxies, for every part of the portal."""

from __future__ import annotations

import functools
import ipaddress

UNKNOWN = "0.0.0.0"  # noqa: S104 - a placeholder address, never bound


@functools.lru_cache(maxsize=4096)  # the same few addresses ask again and again
def valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request, trusted_proxies: int) -> str:
    """The client's address behind `trusted_proxies` reverse proxies.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so with N proxies the client is the N-th entry from the right;
    entries further left were written by the client and are not trusted.
    """
    if request is None:
        return UNKNOWN
    remote = valid_ip(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    if trusted_proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-trusted_proxies] if len(forwarded) >= trusted_proxies else forwarded[0]
    return valid_ip(candidate) or remote
