"""Counts resist scripts: one client address gets at most STATS_NEW_READERS_PER_MINUTE
reader cookies a minute, so posting without a cookie, taking the cookie from the 428 and
posting again stops adding views, visits and online readers at that bound.

The rules run with the Django test client on any database (the embedded pass included);
the load tests run against a live server on real PostgreSQL, with the database store
and with Redis, from many threads at once."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hitcount.models import Hit, HitCount

from stats.conf import conf
from stats.models import NewReaders, SiteCounter
from stats.services.stores import minute_of

from .conftest import BROWSER_UA, post_beacon, wait_for, writes_done
from .live import widget

READER = "c" * 32
# The start of a minute: every request of a test falls in the same minute.
MINUTE = timezone.make_aware(datetime(2026, 12, 6, 9, 30))


def hits(page) -> int:
    return HitCount.objects.get(object_pk=page.pk).hits


def script_round(client, page, **extra):
    """What the script does: a beacon without a cookie, then again with the cookie the
    answer set, if any. Returns (first answer, second answer or None)."""
    client.cookies.clear()
    first = post_beacon(client, page, **extra)
    if "portal_reader" not in first.cookies:
        return first, None
    client.cookies["portal_reader"] = first.cookies["portal_reader"].value
    return first, post_beacon(client, page, **extra)


@pytest.mark.embedded
@pytest.mark.django_db
def test_an_address_past_its_new_readers_is_answered_rate_without_a_cookie(
    client, db_store, article, settings
):
    settings.STATS_NEW_READERS_PER_MINUTE = 3
    with time_machine.travel(MINUTE, tick=False) as clock:
        rounds = [script_round(client, article.pk) for _ in range(5)]
        assert [(first.status_code, first.json()["reason"]) for first, _ in rounds] == [
            (428, "no_reader")
        ] * 3 + [(200, "rate")] * 2
        assert [second.json()["reason"] for _, second in rounds[:3]] == ["counted"] * 3
        assert [second for _, second in rounds[3:]] == [None, None]
        assert hits(article) == 161 + 3

        # Another address behind the same trusted proxy is not held back.
        settings.TRUSTED_PROXY_COUNT = 1
        first, second = script_round(client, article.pk, HTTP_X_FORWARDED_FOR="198.51.100.4")
        assert (first.status_code, second.json()["reason"]) == (428, "counted")

        # A reader who already has a cookie is not affected by the bound.
        response = post_beacon(client, article.pk, READER)
        assert response.json()["reason"] == "counted"
        assert post_beacon(client, article.pk, READER).json()["reason"] == "repeat"

        # The next minute the address gets new readers again.
        settings.TRUSTED_PROXY_COUNT = 0
        clock.shift(timedelta(minutes=1))
        first, second = script_round(client, article.pk)
        assert (first.status_code, second.json()["reason"]) == (428, "counted")
    assert hits(article) == 161 + 3 + 1 + 1 + 1


@pytest.mark.embedded
@pytest.mark.django_db
def test_an_ipv6_subscriber_prefix_shares_one_bound(client, db_store, article, settings):
    """A client picks any address of its /64, so the /64 is one address for the bound."""
    settings.STATS_NEW_READERS_PER_MINUTE = 2
    settings.TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(MINUTE, tick=False):
        same_prefix = [
            script_round(client, article.pk, HTTP_X_FORWARDED_FOR=f"2001:db8:7:9::{n:x}")[0]
            for n in range(1, 5)
        ]
        other_prefix = script_round(client, article.pk, HTTP_X_FORWARDED_FOR="2001:db8:7:a::1")
    assert [r.json()["reason"] for r in same_prefix] == ["no_reader"] * 2 + ["rate"] * 2
    assert other_prefix[1].json()["reason"] == "counted"
    assert hits(article) == 161 + 2 + 1


@pytest.mark.embedded
@pytest.mark.django_db
def test_bots_and_prefetches_without_a_cookie_get_none(client, db_store, article, settings):
    settings.STATS_NEW_READERS_PER_MINUTE = 1
    bot = post_beacon(client, article.pk, ua="Mozilla/5.0 (compatible; Googlebot/2.1)")
    prefetch = post_beacon(client, article.pk, HTTP_SEC_PURPOSE="prefetch")
    assert [(r.status_code, r.json()["reason"]) for r in (bot, prefetch)] == [
        (200, "bot"),
        (200, "prefetch"),
    ]
    assert "portal_reader" not in bot.cookies and "portal_reader" not in prefetch.cookies
    # ...and they did not use up the address's place: a reader still gets a cookie.
    assert post_beacon(client, article.pk).status_code == 428


@pytest.mark.embedded
@pytest.mark.django_db
def test_cleanup_keeps_only_the_current_minutes(client, db_store, article):
    with time_machine.travel(MINUTE, tick=False) as clock:
        script_round(client, article.pk)
        clock.shift(timedelta(minutes=1))
        script_round(client, article.pk)
        clock.shift(timedelta(minutes=1))
        script_round(client, article.pk)
        assert NewReaders.objects.count() == 3
        call_command("stats_cleanup", stdout=StringIO())
        kept = sorted(NewReaders.objects.values_list("minute", flat=True))
    assert kept == [minute_of(MINUTE) + 1, minute_of(MINUTE) + 2]


# --- load, live server ---------------------------------------------------------------


def live_round(base_url: str, page: int, address: str | None = None) -> tuple[str, str | None]:
    """The script's round over real HTTP: (first reason, second reason or None)."""
    headers = {"Content-Type": "application/json", "User-Agent": BROWSER_UA}
    if address is not None:
        headers["X-Forwarded-For"] = address

    def post(cookie=None):
        request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
            base_url + "/stats/hit/",
            data=json.dumps({"page": page}).encode(),
            method="POST",
            headers={**headers, **({"Cookie": cookie} if cookie else {})},
        )
        try:
            response = urllib.request.urlopen(request, timeout=60)  # noqa: S310 - 127.0.0.1
        except urllib.error.HTTPError as error:
            response = error
        with response:
            body = json.loads(response.read())
            cookies = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
        return body["reason"], cookies

    reason, cookies = post()
    if "portal_reader" not in cookies:
        return reason, None
    second, _ = post(f"portal_reader={cookies['portal_reader'].value}")
    return reason, second


@pytest.fixture(params=["db_store", "redis_store"])
def store(request):
    if connection.vendor == "sqlite":
        pytest.fail("the load tests need PostgreSQL (run through scripts/services.sh)")
    return request.getfixturevalue(request.param)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_1000_rounds_from_one_address_add_at_most_the_bound_and_500_addresses_add_500(
    live_server, store, imported_article, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    bound = conf().new_readers_per_minute
    page = imported_article.pk
    with time_machine.travel(MINUTE, tick=False), ThreadPoolExecutor(max_workers=16) as pool:
        script = list(
            pool.map(lambda _: live_round(live_server.url, page, "203.0.113.7"), range(1000))
        )
        start_hits = bound + 161
        assert wait_for(lambda: hits(imported_article), start_hits) == start_hits
        writes_done()
        online_after_script = widget(live_server.url)[0]

        distinct = list(
            pool.map(
                lambda n: live_round(live_server.url, page, f"10.{n // 250}.{n % 250}.1"),
                range(500),
            )
        )
        assert wait_for(lambda: hits(imported_article), start_hits + 500) == start_hits + 500
        writes_done()
        online, visits = widget(live_server.url)

    # The script: exactly `bound` rounds got a cookie and counted once; the rest none.
    assert sorted(script, key=str) == sorted(
        [("no_reader", "counted")] * bound + [("rate", None)] * (1000 - bound), key=str
    )
    assert online_after_script == bound
    # 500 addresses, one new reader each: every one counted.
    assert distinct == [("no_reader", "counted")] * 500
    assert hits(imported_article) == 161 + bound + 500
    assert Hit.objects.count() == bound + 500
    assert SiteCounter.objects.get().visits == bound + 500
    assert online == bound + 500
    assert visits == SiteCounter.objects.get().visits_start + bound + 500
