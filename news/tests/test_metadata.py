"""Canonical URLs, Open Graph, Twitter cards, JSON-LD, sitemaps and robots.txt."""

import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.models import ArticleAuthor, Author, EventPage
from tests.newsroom import add_events_section, make_image, publish_article

pytestmark = pytest.mark.embedded

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def json_ld(soup):
    blocks = soup.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def meta(soup, key):
    tag = soup.find("meta", property=key) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


@pytest.fixture
def article(section):
    page = publish_article(
        section,
        'Tỉnh "Bắc Ninh" </script> đón 1 triệu khách',
        days_ago=1,
        lead="Sapo: lượng khách tăng mạnh.",
        lead_image=make_image("Khách du lịch"),
        lead_image_caption="Du khách tham quan chùa Dâu.",
    )
    for name, role in [("Nguyễn Thị Hoa", "Phóng viên"), ("Trần Văn Nam", "")]:
        ArticleAuthor.objects.create(page=page, author=Author.objects.create(name=name, role=role))
    page.tags.add("du lịch", "Bắc Ninh")
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_article_json_ld_matches_the_page(client, article, section):
    soup = soup_of(client, article.url)
    data = json_ld(soup)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == soup.find("h1").get_text(strip=True) == article.title
    assert data["description"] == soup.find(class_="article__lead").get_text(strip=True)
    time = soup.find("article").find("time")["datetime"]
    assert data["datePublished"] == time
    assert data["dateModified"] >= data["datePublished"]
    assert timezone.datetime.fromisoformat(data["dateModified"]) == article.last_published_at
    byline = [n.get_text(strip=True) for n in soup.select(".byline__author")]
    assert [a["name"] for a in data["author"]] == byline == ["Nguyễn Thị Hoa", "Trần Văn Nam"]
    assert data["author"][0] == {
        "@type": "Person",
        "name": "Nguyễn Thị Hoa",
        "jobTitle": "Phóng viên",
    }
    assert data["publisher"] == {"@type": "Organization", "name": "Cổng thông tin điện tử"}
    assert data["image"] == [meta(soup, "og:image")]
    assert data["image"][0].endswith(article.lead_image.get_rendition("fill-1200x630").url)
    assert data["mainEntityOfPage"]["@id"] == soup.find("link", rel="canonical")["href"]
    assert data["articleSection"] == section.title
    assert sorted(data["keywords"]) == ["Bắc Ninh", "du lịch"]


def test_json_ld_cannot_break_out_of_its_script(client, article):
    # The title holds "</script>": the data block must still end where it should.
    html = client.get(article.url).content.decode()
    opening = '<script type="application/ld+json">'
    body = html[html.index(opening) + len(opening) :]
    body = body[: body.index("</script>")]
    assert "<" not in body
    assert json.loads(body)["headline"] == article.title


def test_article_open_graph_and_twitter(client, article):
    soup = soup_of(client, article.url)
    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == article.get_full_url()
    rendition = article.lead_image.get_rendition("fill-1200x630")
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:url") == canonical
    assert meta(soup, "og:title") == article.title
    assert meta(soup, "og:description") == article.lead
    assert meta(soup, "og:locale") == "vi_VN"
    assert meta(soup, "og:image").endswith(rendition.url)
    assert meta(soup, "og:image").startswith("http")
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")
    assert meta(soup, "og:image:alt") == "Du khách tham quan chùa Dâu."
    assert meta(soup, "article:published_time") == soup.find("article").find("time")["datetime"]
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "twitter:image") == meta(soup, "og:image")
    assert meta(soup, "twitter:title") == article.title


def test_event_json_ld(client, home):
    events = add_events_section(home)
    start = timezone.now() + timedelta(days=3)
    event = EventPage(
        title="Hội thi văn nghệ",
        start_at=start,
        end_at=start + timedelta(hours=3),
        location="Nhà văn hóa huyện Yên Phong",
        organiser="Phòng Văn hóa",
        lead="Hội thi chào mừng Quốc khánh.",
    )
    events.add_child(instance=event)
    event.save_revision().publish()
    soup = soup_of(client, event.url)
    data = json_ld(soup)
    assert data["@type"] == "Event"
    assert data["name"] == soup.find("h1").get_text(strip=True)
    times = [t["datetime"] for t in soup.select(".event__facts time")]
    assert [data["startDate"], data["endDate"]] == times
    assert data["location"]["name"] == "Nhà văn hóa huyện Yên Phong"
    assert data["organizer"]["name"] == "Phòng Văn hóa"
    assert data["description"] == "Hội thi chào mừng Quốc khánh."
    assert data["url"] == event.get_full_url()
    assert meta(soup, "og:type") == "website"


def test_sections_and_home_have_no_article_json_ld(client, section, home):
    for page in (home, section):
        soup = soup_of(client, page.url)
        assert soup.find("script", type="application/ld+json") is None
        assert soup.find("link", rel="canonical")["href"] == page.get_full_url()


def sitemap_locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own output


def test_sitemap_lists_public_pages_only(client, section, article):
    draft = publish_article(section, "Bản nháp", live=False)
    private = publish_article(section, "Tin nội bộ")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    root = sitemap_locations(client, "/sitemap.xml")
    locations = {node.text for node in root.iter(f"{SITEMAP}loc")}
    assert article.get_full_url() in locations
    assert section.get_full_url() in locations
    assert draft.get_full_url() not in locations
    assert private.get_full_url() not in locations


def test_news_sitemap_holds_the_last_two_days(client, section, article):
    old = publish_article(section, "Tin tuần trước", days_ago=7)
    draft = publish_article(section, "Bản nháp", live=False)
    root = sitemap_locations(client, "/news-sitemap.xml")
    urls = root.findall(f"{SITEMAP}url")
    assert [u.find(f"{SITEMAP}loc").text for u in urls] == [article.get_full_url()]
    news = urls[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}title").text == article.title
    assert news.find(f"{NEWS}publication/{NEWS}language").text == "vi"
    assert news.find(f"{NEWS}publication/{NEWS}name").text == "Cổng thông tin điện tử"
    published = timezone.datetime.fromisoformat(news.find(f"{NEWS}publication_date").text)
    assert published == article.published_at
    assert old.get_full_url() not in ElementTree.tostring(root, encoding="unicode")
    assert draft.get_full_url() not in ElementTree.tostring(root, encoding="unicode")


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines
