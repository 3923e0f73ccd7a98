"""RSS 2.0 and Atom feeds, read back with feedparser."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from news.models import ArticleAuthor, Author, NewsIndexPage
from tests.newsroom import add_events_section, make_image, publish_article, publish_event

pytestmark = pytest.mark.embedded


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def article(section):
    author = Author.objects.create(name="Nguyễn Thị Hoa", role="Phóng viên")
    page = publish_article(
        section,
        "Khánh thành cầu Đông Xuyên",
        days_ago=1,
        lead="Sáng nay, cây cầu mới nối hai bờ sông Cầu được đưa vào sử dụng.",
        lead_image=make_image("Cầu Đông Xuyên"),
    )
    ArticleAuthor.objects.create(page=page, author=author)
    page.save_revision().publish()
    return page


@pytest.mark.parametrize(("url", "version"), [("/feeds/rss/", "rss20"), ("/feeds/atom/", "atom10")])
def test_all_news_feed_carries_each_field(client, article, section, url, version):
    older = publish_article(section, "Tin cũ hơn", days_ago=3)
    response, feed = parse(client, url)
    assert feed.version == version
    assert feed.feed.language == "vi"
    assert [entry.title for entry in feed.entries] == [article.title, older.title]

    entry = feed.entries[0]
    assert entry.link == article.get_full_url()
    assert entry.summary == article.lead
    assert entry.author == "Nguyễn Thị Hoa"
    published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
    assert abs(published - article.published_at) < timedelta(seconds=1)
    image = article.lead_image.get_rendition("fill-1200x630")
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert len(enclosures) == 1
    assert enclosures[0].href.endswith(image.url)
    assert enclosures[0].type == "image/jpeg"
    assert int(enclosures[0].length) == image.file.size > 0


def test_section_feeds_hold_only_their_section(client, section, home, article):
    other = home.add_child(instance=NewsIndexPage(title="Kinh tế", slug="kinh-te"))
    other.save_revision().publish()
    elsewhere = publish_article(other, "Tin kinh tế")
    nested = section.add_child(instance=NewsIndexPage(title="Thể thao", slug="the-thao"))
    nested.save_revision().publish()
    sport = publish_article(nested, "Tin thể thao")

    _, feed = parse(client, "/feeds/rss/tin-tuc/")
    assert feed.feed.title.startswith("Tin tức - Sự kiện")
    assert {e.title for e in feed.entries} == {article.title, sport.title}
    _, feed = parse(client, "/feeds/atom/kinh-te/")
    assert [e.title for e in feed.entries] == [elsewhere.title]
    _, feed = parse(client, "/feeds/atom/tin-tuc/the-thao/")
    assert [e.title for e in feed.entries] == [sport.title]


def test_event_section_feed(client, home):
    publish_event(
        add_events_section(home),
        "Hội chợ xuân",
        location="Nhà văn hóa huyện",
        organiser="UBND huyện",
        lead="Hội chợ hàng Việt.",
    )
    _, feed = parse(client, "/feeds/rss/lich-su-kien/")
    assert [(e.title, e.summary, e.author) for e in feed.entries] == [
        ("Hội chợ xuân", "Hội chợ hàng Việt.", "UBND huyện")
    ]


def test_unpublished_and_private_articles_stay_out_of_feeds(client, section, article):
    from wagtail.models import PageViewRestriction

    draft = publish_article(section, "Bản nháp chưa duyệt", live=False)
    private = publish_article(section, "Tin nội bộ")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    for url in ("/feeds/rss/", "/feeds/atom/", "/feeds/rss/tin-tuc/"):
        _, feed = parse(client, url)
        titles = [e.title for e in feed.entries]
        assert article.title in titles
        assert draft.title not in titles and private.title not in titles


def test_unknown_or_private_sections_have_no_feed(client, section):
    from wagtail.models import PageViewRestriction

    assert client.get("/feeds/rss/khong-co/").status_code == 404
    PageViewRestriction.objects.create(page=section, restriction_type="login")
    assert client.get("/feeds/rss/tin-tuc/").status_code == 404


def test_pages_advertise_their_feeds(client, section, article):
    html = client.get(section.url).content.decode()
    assert 'type="application/rss+xml"' in html and 'href="/feeds/rss/"' in html
    assert 'href="/feeds/rss/tin-tuc/"' in html and 'href="/feeds/atom/tin-tuc/"' in html
