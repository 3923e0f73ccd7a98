"""Scheduled publishing: invisible until its time, then everywhere once
`manage.py publish_scheduled` (the cron/systemd runner) has run."""

import random
import string
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from news.models import ArticlePage
from tests.newsroom import publish_article

pytestmark = pytest.mark.embedded


@pytest.fixture
def word():
    """A word no other test uses: an Elasticsearch index is not rolled back between tests."""
    return "".join(random.choices(string.ascii_lowercase, k=10))


def everywhere(client, article, home, section):
    """Where a reader, an aggregator, a crawler or an API client would find the article."""
    cache.clear()
    title, word = article.title, article.title.split()[-1]
    feed = feedparser.parse(client.get("/feeds/rss/").content)
    section_feed = feedparser.parse(client.get("/feeds/atom/tin-tuc/").content)
    search = client.get("/search/", {"q": word, "format": "json"}).json()
    api = client.get("/api/v2/articles/").json()
    return {
        "page": client.get(f"/tin-tuc/{article.slug}/").status_code == 200,
        "home": title in client.get(home.url).content.decode(),
        "section": title in client.get(section.url).content.decode(),
        "rss": title in [e.title for e in feed.entries],
        "atom": title in [e.title for e in section_feed.entries],
        "sitemap": f"/tin-tuc/{article.slug}/" in client.get("/sitemap.xml").content.decode(),
        "news sitemap": title in client.get("/news-sitemap.xml").content.decode(),
        "search": title in [hit["title"] for hit in search["results"]],
        "api": title in [item["title"] for item in api["items"]],
    }


def test_scheduled_article_appears_everywhere_at_its_time(
    client, home, section, word, django_capture_on_commit_callbacks
):
    publish_article(section, "Tin đã đăng từ trước", days_ago=1)
    now = timezone.now().replace(microsecond=0)
    go_live = now + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_article(
            section, f"Khai mạc Hội báo Xuân {word}", live=False, slug="hoi-bao-xuan"
        )
        article.go_live_at = go_live
        article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live
    assert article.get_latest_revision().approved_go_live_at == go_live

    with time_machine.travel(go_live - timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled")
        assert not any(everywhere(client, article, home, section).values())

    with time_machine.travel(go_live + timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled")
        article = ArticlePage.objects.get(pk=article.pk)
        assert article.live
        assert article.published_at == go_live + timedelta(minutes=1)
        seen = everywhere(client, article, home, section)
        assert seen == dict.fromkeys(seen, True)


def test_expired_article_disappears(
    client, home, section, word, django_capture_on_commit_callbacks
):
    expire = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_article(section, f"Bế mạc Hội báo Xuân {word}", slug="hoi-bao-xuan")
        article.expire_at = expire
        article.save_revision().publish()
    assert all(everywhere(client, article, home, section).values())

    with time_machine.travel(expire + timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled")
        article.refresh_from_db()
        assert not article.live and article.expired
        assert not any(everywhere(client, article, home, section).values())
