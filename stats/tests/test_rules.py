"""The counting rules, one decision and its reason at a time (database store, any DB)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.utils import timezone
from hitcount.models import BlacklistIP, BlacklistUserAgent, Hit, HitCount

from stats.services import readers

from .conftest import BROWSER_UA, post_beacon

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]

READER = "a" * 32
OTHER = "b" * 32


def hits(page) -> int:
    return HitCount.objects.get(object_pk=page.pk).hits


def test_imported_article_starts_at_its_carried_over_count(client, db_store, article):
    html = client.get(article.url).content.decode()
    number = f'<span class="view-count__number" data-stats-page="{article.pk}">161</span>'
    assert f"Số lượt xem: {number}" in html

    response = post_beacon(client, article.pk, READER)
    assert response.status_code == 200
    assert response.json() | {"online": None, "visits": None} == {
        "counted": True,
        "reason": "counted",
        "views": 162,
        "online": None,
        "visits": None,
    }
    assert hits(article) == 162
    assert "Số lượt xem: <span" in client.get(article.url).content.decode()
    assert ">162</span>" in client.get(article.url).content.decode()


def test_one_view_per_reader_per_window(client, db_store, article, settings):
    settings.STATS_VIEW_WINDOW = timedelta(hours=24)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert post_beacon(client, article.pk, READER).json()["reason"] == "counted"
        assert post_beacon(client, article.pk, READER).json()["reason"] == "repeat"
        clock.shift(timedelta(hours=23, minutes=59))
        assert post_beacon(client, article.pk, READER).json()["reason"] == "repeat"
        clock.shift(timedelta(minutes=1))
        assert post_beacon(client, article.pk, READER).json()["reason"] == "counted"
    assert post_beacon(client, article.pk, OTHER).json()["reason"] == "counted"
    assert hits(article) == 161 + 3
    # django-hitcount's Hit rows record each counted view, keyed by the reader id.
    assert list(Hit.objects.values_list("session", flat=True).order_by("pk")) == [
        READER,
        READER,
        OTHER,
    ]


def test_missing_or_forged_cookie_counts_nothing_and_issues_one(client, db_store, article):
    response = post_beacon(client, article.pk)
    assert response.status_code == 428
    assert response.json()["reason"] == "no_reader"
    cookie = response.cookies["portal_reader"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    issued = cookie.value
    assert hits(article) == 161

    client.cookies["portal_reader"] = READER + ":forged-signature"
    forged = client.post(
        "/stats/hit/",
        f'{{"page": {article.pk}}}',
        content_type="application/json",
        HTTP_USER_AGENT=BROWSER_UA,
    )
    assert forged.status_code == 428
    assert hits(article) == 161

    # The browser keeps the issued cookie and retries: now it counts.
    client.cookies["portal_reader"] = issued
    assert post_beacon(client, article.pk).json()["reason"] == "counted"
    assert hits(article) == 162


def test_no_database_session_is_created(client, db_store, article):
    client.get(article.url)
    post_beacon(client, article.pk)
    post_beacon(client, article.pk)
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies


@pytest.mark.parametrize(
    ("ua", "extra", "reason"),
    [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}, "bot"),
        ("Mozilla/5.0 (compatible; bingbot/2.0)", {}, "bot"),
        ("facebookexternalhit/1.1", {}, "bot"),
        ("Mozilla/5.0 HeadlessChrome/130.0", {}, "bot"),
        ("python-requests/2.32", {}, "bot"),
        ("", {}, "bot"),
        (BROWSER_UA, {"HTTP_SEC_PURPOSE": "prefetch"}, "prefetch"),
        (BROWSER_UA, {"HTTP_SEC_PURPOSE": "prefetch;prerender"}, "prefetch"),
        (BROWSER_UA, {"HTTP_PURPOSE": "prefetch"}, "prefetch"),
        (BROWSER_UA, {"HTTP_X_MOZ": "prefetch"}, "prefetch"),
    ],
)
def test_bots_and_prefetches_are_not_readers(client, db_store, article, ua, extra, reason):
    response = post_beacon(client, article.pk, READER, ua=ua, **extra)
    assert response.status_code == 200
    assert response.json()["counted"] is False
    assert response.json()["reason"] == reason
    assert hits(article) == 161
    assert Hit.objects.count() == 0
    assert response.json()["online"] == 0  # not a visitor either


def test_hitcount_blacklists(client, db_store, article):
    BlacklistIP.objects.create(ip="127.0.0.1")
    assert post_beacon(client, article.pk, READER).json()["reason"] == "blacklisted_ip"
    BlacklistIP.objects.all().delete()
    BlacklistUserAgent.objects.create(user_agent=BROWSER_UA)
    assert post_beacon(client, article.pk, READER).json()["reason"] == "blacklisted_user_agent"
    BlacklistUserAgent.objects.all().delete()
    assert post_beacon(client, article.pk, READER).json()["reason"] == "counted"
    assert hits(article) == 162


def test_staff_views_are_not_counted_and_previews_send_no_beacon(client, db_store, article):
    editor = get_user_model().objects.create_superuser("editor", "e@example.vn", "pw")
    client.force_login(editor)
    assert post_beacon(client, article.pk, READER).json()["reason"] == "staff"
    assert hits(article) == 161

    preview = article.make_preview_request()
    assert preview.status_code == 200
    assert "Số lượt xem" in preview.content.decode()
    assert b"data-stats-endpoint" not in preview.content
    assert b"data-stats-page" not in preview.content


def test_client_ip_behind_trusted_proxies(settings, db_store):
    factory = RequestFactory()

    def ip(forwarded, proxies):
        settings.TRUSTED_PROXY_COUNT = proxies
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return readers.client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", **extra))

    # No proxy configured: the header is the client's own words and is ignored.
    assert ip("203.0.113.9", 0) == "10.0.0.2"
    # One proxy: the last entry is what it saw; anything further left may be forged.
    assert ip("198.51.100.7, 203.0.113.9", 1) == "203.0.113.9"
    # Two proxies (CDN + nginx): the second entry from the right.
    assert ip("198.51.100.7, 203.0.113.9, 192.0.2.1", 2) == "203.0.113.9"
    assert ip("2001:db8::1, 192.0.2.1", 2) == "2001:db8::1"
    # Fewer entries than proxies: the leftmost; garbage: the socket address.
    assert ip("203.0.113.9", 2) == "203.0.113.9"
    assert ip("not-an-ip", 1) == "10.0.0.2"
    assert ip(None, 1) == "10.0.0.2"


def test_counted_ip_follows_trusted_proxies(client, db_store, article, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    BlacklistIP.objects.create(ip="203.0.113.9")
    blocked = post_beacon(client, article.pk, READER, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert blocked.json()["reason"] == "blacklisted_ip"
    # A forged leftmost entry does not escape the blacklist or pick another address.
    ok = post_beacon(client, article.pk, READER, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert ok.json()["reason"] == "counted"
    assert Hit.objects.get().ip == "198.51.100.7"


@pytest.mark.parametrize(
    ("method", "body", "content_type", "status"),
    [
        ("get", None, None, 405),
        ("put", "{}", "application/json", 405),
        ("post", '{"page": 999999}', "application/json", 404),
        ("post", '{"page": "1"}', "application/json", 400),
        ("post", '{"page": true}', "application/json", 400),
        ("post", '{"page": -3}', "application/json", 400),
        ("post", '{"page": 1e400}', "application/json", 400),
        ("post", '{"page": 1, "x": 2}', "application/json", 400),
        ("post", "[1, 2]", "application/json", 400),
        ("post", "{not json", "application/json", 400),
        ("post", b"\xff\xfe", "application/json", 400),
        ("post", '{"page": ' + " " * 600 + "1}", "application/json", 413),
        ("post", "page=1", "application/x-www-form-urlencoded", 415),
    ],
)
def test_bad_input_is_a_4xx(client, db_store, article, method, body, content_type, status):
    client.cookies["portal_reader"] = readers.signed(READER)
    kwargs = {"HTTP_USER_AGENT": BROWSER_UA}
    if body is not None:
        kwargs.update(data=body, content_type=content_type)
    response = getattr(client, method)("/stats/hit/", **kwargs)
    assert response.status_code == status
    assert hits_or_none(article) in (None, 161)


def hits_or_none(page):
    row = HitCount.objects.filter(object_pk=page.pk).first()
    return row.hits if row else None


def test_unpublished_and_uncounted_pages_are_unknown(client, db_store, article, home):
    assert post_beacon(client, home.pk, READER).status_code == 404  # not a counted type
    article.unpublish()
    assert post_beacon(client, article.pk, READER).status_code == 404


def test_cross_site_beacons_are_refused(client, db_store, article):
    response = post_beacon(client, article.pk, READER, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert hits_or_none(article) in (None, 161)


def test_page_has_no_inline_script_and_loads_the_beacon(client, db_store, article):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    # Data blocks (JSON-LD) are not executed and CSP's script-src does not apply to them.
    scripts = [
        s
        for s in soup.find_all("script")
        if s.get("type") in (None, "", "text/javascript", "module")
    ]
    assert scripts, "the beacon script is missing"
    for script in scripts:
        assert script.get("src"), f"inline script: {script}"
        assert not script.string
    assert any(s["src"].endswith("stats/beacon.js") for s in scripts)
    assert soup.select_one("[data-stats-endpoint]")["data-stats-endpoint"] == "/stats/hit/"
    assert client.get("/static/stats/beacon.js").status_code == 200
