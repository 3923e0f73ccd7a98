"""Feeds, sitemaps, JSON-LD and the API stay valid whatever text is stored."""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own responses

import feedparser
import pytest
from taggit.models import Tag

from news.models import ArticleAuthor, Author
from tests.newsroom import add_events_section, publish_article, publish_event

pytestmark = pytest.mark.embedded

BELL_TITLE = "Tin\x07 nóng\x1b[31m hôm nay\x0b"


@pytest.fixture
def hostile(section, home):
    article = publish_article(
        section, BELL_TITLE, days_ago=0, lead="Sapo\x0c có\x01 ký tự điều khiển\x1f."
    )
    ArticleAuthor.objects.create(page=article, author=Author.objects.create(name="Vũ\x08 Hưng"))
    article.tags.add(Tag.objects.create(name="thẻ\x02", slug="the"))
    article.search_description = ""
    article.save_revision().publish()
    events = add_events_section(home)
    publish_event(events, "Hội chợ\x07 xuân", location="Quảng\x1b trường", organiser="Sở\x01")
    return article, events


def xml(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 - our own response


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_every_feed_serves_valid_xml_without_the_control_characters(client, hostile, kind):
    _, events = hostile
    for url in (f"/feeds/{kind}/", f"/feeds/{kind}/tin-tuc/", f"/feeds/{kind}/{events.slug}/"):
        response = client.get(url)
        xml(response)
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        titles = [entry.title for entry in feed.entries]
        assert titles in (["Tin nóng[31m hôm nay"], ["Hội chợ xuân"]), titles
    content = client.get(f"/feeds/{kind}/").content.decode()
    assert "Vũ Hưng" in content and "thẻ" in content
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", content)


def test_news_sitemap_is_valid_xml(client, hostile):
    root = xml(client.get("/news-sitemap.xml"))
    titles = [el.text for el in root.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")]
    assert titles == ["Tin nóng[31m hôm nay"]
    xml(client.get("/sitemap.xml"))


def test_article_page_json_ld_and_metadata_carry_no_control_characters(client, hostile):
    article, _ = hostile
    html = client.get(article.url).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["headline"] == "Tin nóng[31m hôm nay"
    assert data["author"][0]["name"] == "Vũ Hưng"
    assert data["keywords"] == ["thẻ"]
    metadata = "".join(re.findall(r"<meta (?:property=\"og:|name=\"twitter:)[^>]*>", html))
    assert 'content="Tin nóng[31m hôm nay"' in metadata
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", metadata)


def test_api_answers_valid_json(client, hostile):
    article, _ = hostile
    detail = client.get(f"/api/v2/articles/{article.pk}/")
    assert detail.status_code == 200
    assert json.loads(detail.content)["id"] == article.pk
    listing = client.get("/api/v2/events/")
    assert json.loads(listing.content)["meta"]["total_count"] == 1
