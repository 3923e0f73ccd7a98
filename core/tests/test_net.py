"""core.net.client_ip held to django-ipware wherever their rules overlap.

The portal keeps its own reading of X-Forwarded-For (docs/architecture.md says why);
this test pins it to the library on every well-formed request: N trusted proxies, at
least N entries, public addresses. With N proxies the client is the N-th entry from
the right; ipware counts the proxies listed in the header, which is one fewer, since
the last proxy is the socket's REMOTE_ADDR.
"""

import ipaddress

import pytest
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st
from ipware import get_client_ip

from core import net

PROXY_ADDRESS = "10.0.0.2"

public_ipv4 = st.ip_addresses(v=4).filter(lambda ip: ip.is_global and not ip.is_multicast)
# IPv6 global unicast (2000::/3); the rest of the space holds special-purpose blocks.
public_ipv6 = st.ip_addresses(network="2000::/3").filter(lambda ip: ip.is_global)
public_ip = st.one_of(public_ipv4, public_ipv6).map(str)


def ipware_client_ip(request, trusted_proxies: int) -> str:
    if trusted_proxies <= 0:
        # No proxy: only the socket address is the server's own observation.
        ip, _routable = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    else:
        ip, _routable = get_client_ip(
            request,
            proxy_count=trusted_proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
            strict=False,
        )
    return ip or net.UNKNOWN


@settings(max_examples=300, deadline=None)
@given(data=st.data(), trusted_proxies=st.integers(min_value=0, max_value=3))
def test_client_ip_agrees_with_ipware(data, trusted_proxies):
    entries = data.draw(st.lists(public_ip, min_size=trusted_proxies, max_size=trusted_proxies + 3))
    spacing = data.draw(st.sampled_from([",", ", ", " , "]))
    meta = {"REMOTE_ADDR": PROXY_ADDRESS}
    if entries:
        meta["HTTP_X_FORWARDED_FOR"] = spacing.join(entries)
    request = RequestFactory().get("/", **meta)

    ours = net.client_ip(request, trusted_proxies)
    assert ours == ipware_client_ip(request, trusted_proxies)
    if trusted_proxies and entries:
        assert ours == str(ipaddress.ip_address(entries[-trusted_proxies]))
    else:
        assert ours == PROXY_ADDRESS


@pytest.mark.parametrize(
    ("forwarded", "proxies", "ours"),
    [
        # Where the two part ways, and why the portal keeps its own rule:
        # fewer entries than proxies: the leftmost entry rather than no address at all;
        ("203.0.113.9", 2, "203.0.113.9"),
        # the trusted entry unreadable: the socket address, never a client-written
        # entry further left (ipware drops the unreadable entry and shifts);
        ("198.51.100.7, not-an-ip", 1, PROXY_ADDRESS),
        # a loopback client (a test or an on-host script) is still that client.
        ("127.0.0.1", 1, "127.0.0.1"),
    ],
)
def test_where_the_portal_differs_from_ipware(forwarded, proxies, ours):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY_ADDRESS, HTTP_X_FORWARDED_FOR=forwarded)
    assert net.client_ip(request, proxies) == ours
    assert ipware_client_ip(request, proxies) != ours
