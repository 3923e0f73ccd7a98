"""Security headers: CSP without inline script on public pages, framing, referrer,
permissions, and HSTS with secure cookies in production."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from news.models import EventPage
from tests.newsroom import add_events_section, make_image, publish_article
from tests.test_settings import GOOD, REPO

pytestmark = pytest.mark.embedded


def directives(policy):
    parts = [p.strip().split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.fixture
def public_urls(section, home):
    article = publish_article(section, "Tin có ảnh", lead_image=make_image())
    events = add_events_section(home)
    event = EventPage(title="Sự kiện", start_at=timezone.now() + timedelta(days=1))
    events.add_child(instance=event)
    event.save_revision().publish()
    return [home.url, section.url, article.url, events.url, event.url, "/search/?q=thi+đua"]


def test_public_pages_forbid_inline_script(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        soup = BeautifulSoup(response.content, "html.parser")
        for script in soup.find_all("script"):
            # Only scripts from this site, and non-executable JSON-LD data blocks.
            if script.get("type") == "application/ld+json":
                json.loads(script.string)
                continue
            assert script.get("src", "").startswith("/static/"), (url, str(script)[:200])
            assert not (script.string or "").strip(), url
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, (url, tag.name, handlers)
            assert "style" not in tag.attrs, (url, tag.name)
            for attr in ("href", "src", "action"):
                assert not str(tag.get(attr, "")).lower().startswith("javascript:"), url


def test_common_headers_everywhere(client, public_urls):
    for url in [*public_urls, "/feeds/rss/", "/api/v2/articles/", "/robots.txt"]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in permissions, url
        assert "Content-Security-Policy" in response, url


def test_admin_keeps_a_policy_that_lets_wagtail_work(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


PRODUCTION_PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/robots.txt", secure=True, HTTP_HOST="portal.example.vn")
plain = Client().get("/robots.txt", HTTP_HOST="portal.example.vn")
print(json.dumps({
    "status": response.status_code,
    "hsts": response.headers.get("Strict-Transport-Security"),
    "redirect": [plain.status_code, plain.headers.get("Location")],
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "debug": settings.DEBUG,
}))
"""


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in GOOD}
    env.update(GOOD)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["status"] == 200
    assert data["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert data["redirect"] == [301, "https://portal.example.vn/robots.txt"]
    assert data["session_secure"] and data["csrf_secure"] and data["session_httponly"]
    assert data["debug"] is False


def test_signed_in_editors_get_styles_for_the_userbar(client, section, django_user_model):
    from tests.newsroom import EDITORS, make_user

    assert "'unsafe-inline'" not in client.get(section.url)["Content-Security-Policy"]
    client.force_login(make_user(django_user_model, "bientapvien", EDITORS))
    policy = directives(client.get(section.url)["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
