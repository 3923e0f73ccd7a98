"""Two portals on one installation, as readers see them: every surface belongs to the host
it is served on, and the province features a district's article through an alias."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.utils.html import escape

from news.models import ArticleRelatedLink
from news.portals import create_portal
from tests.newsroom import add_events_section, publish_article, publish_event

pytestmark = pytest.mark.embedded

DISTRICT = "tiendu.bacninh.gov.vn"
OTHER_DISTRICT = "tuson.bacninh.gov.vn"
PROVINCE = "localhost"
DISTRICT_NAME = "Cổng thông tin điện tử huyện Tiên Du"


@pytest.fixture
def portals(home, section):
    district = create_portal("Tiên Du", DISTRICT, site_name=DISTRICT_NAME)
    section.show_in_menus = True
    section.save_revision().publish()
    province_events = add_events_section(home, slug="su-kien")
    pages = {
        "province": publish_article(section, "Tin của tỉnh"),
        "province_other": publish_article(section, "Tin khác của tỉnh", days_ago=1),
        "district": publish_article(district.sections["chinh-tri"], "Tin của Tiên Du"),
        "district_other": publish_article(
            district.sections["chinh-tri"], "Tin khác của Tiên Du", days_ago=1
        ),
        "province_event": publish_event(province_events, "Sự kiện của tỉnh"),
        "district_event": publish_event(district.sections["su-kien"], "Sự kiện Tiên Du"),
    }
    return district, pages


def get(client, host, path):
    return client.get(path, HTTP_HOST=host)


def text(response):
    assert response.status_code == 200, response
    return response.content.decode()


def path_of(page):
    return page.get_url_parts()[2]


def own_and_foreign(client, path, own, foreign, host):
    body = text(get(client, host, path))
    assert escape(own) in body or own in body
    assert escape(foreign) not in body and foreign not in body
    return body


def test_home_section_and_menu_belong_to_their_host(client, portals):
    _district, pages = portals
    own_and_foreign(client, "/", "Tin của Tiên Du", "Tin của tỉnh", DISTRICT)
    own_and_foreign(client, "/", "Tin của tỉnh", "Tin của Tiên Du", PROVINCE)
    own_and_foreign(client, "/", "Tin của tỉnh", "Tin của Tiên Du", "127.0.0.1")
    own_and_foreign(client, "/chinh-tri/", "Tin của Tiên Du", "Tin của tỉnh", DISTRICT)

    menus = {}
    for host in (DISTRICT, PROVINCE):
        soup = BeautifulSoup(text(get(client, host, "/")), "html.parser")
        menus[host] = {a["href"] for a in soup.select("nav a[href]")}
    assert "/chinh-tri/" in menus[DISTRICT] and "/chinh-tri/" not in menus[PROVINCE]
    assert "/tin-tuc/" in menus[PROVINCE] and "/tin-tuc/" not in menus[DISTRICT]


def test_an_article_answers_only_on_its_own_host(client, portals):
    _district, pages = portals
    district_path, province_path = path_of(pages["district"]), path_of(pages["province"])
    assert get(client, DISTRICT, district_path).status_code == 200
    assert get(client, PROVINCE, district_path).status_code == 404
    assert get(client, "127.0.0.1", district_path).status_code == 404
    assert get(client, PROVINCE, province_path).status_code == 200
    assert get(client, DISTRICT, province_path).status_code == 404
    # Wagtail's own URL for it names its host.
    assert pages["district"].full_url.startswith(f"http://{DISTRICT}/")


@pytest.mark.parametrize("page_cache_seconds", [0, 600])
def test_an_article_of_one_district_is_not_found_on_another(
    client, portals, settings, page_cache_seconds
):
    """Two districts lay out the same sections: a path of one asked on the other's host
    (or the province's) is that host's page or a 404, with the page cache on or off."""
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    _district, pages = portals
    other = create_portal("Tú Sơn", OTHER_DISTRICT)
    path = path_of(pages["district"])
    assert get(client, DISTRICT, path).status_code == 200  # cached now, when it caches
    assert get(client, OTHER_DISTRICT, path).status_code == 404
    assert get(client, PROVINCE, path).status_code == 404
    # The other district's own article at the same path is its own, not the first's.
    own = publish_article(other.sections["chinh-tri"], "Tin của Tiên Du")
    assert path_of(own) == path
    body = text(get(client, OTHER_DISTRICT, path))
    assert f'rel="canonical" href="http://{OTHER_DISTRICT}{path}"' in body
    assert f"http://{DISTRICT}{path}" not in body
    body = text(get(client, DISTRICT, path))
    assert f'rel="canonical" href="http://{DISTRICT}{path}"' in body


def test_related_articles_keep_to_the_portal(client, portals):
    _district, pages = portals
    article = pages["district"]
    for sort_order, key in enumerate(("district_other", "province")):
        ArticleRelatedLink.objects.create(page=article, related=pages[key], sort_order=sort_order)
    own_and_foreign(client, path_of(article), "Tin khác của Tiên Du", "Tin của tỉnh", DISTRICT)


def test_feeds_belong_to_their_host(client, portals):
    for path in ("/feeds/rss/", "/feeds/atom/"):
        body = own_and_foreign(client, path, "Tin của Tiên Du", "Tin của tỉnh", DISTRICT)
        links = re.findall(r"https?://[^<\"\s]+", body)
        assert any(DISTRICT in link for link in links)
        assert not any(f"//{PROVINCE}/" in link for link in links)
        own_and_foreign(client, path, "Tin của tỉnh", "Tin của Tiên Du", PROVINCE)
    own_and_foreign(client, "/feeds/rss/chinh-tri/", "Tin của Tiên Du", "Tin của tỉnh", DISTRICT)
    assert get(client, PROVINCE, "/feeds/rss/chinh-tri/").status_code == 404
    assert get(client, DISTRICT, "/feeds/rss/tin-tuc/").status_code == 404


def test_sitemaps_and_robots_belong_to_their_host(client, portals):
    _district, pages = portals
    for host, own, foreign in (
        (DISTRICT, "district", "province"),
        (PROVINCE, "province", "district"),
    ):
        sitemap = text(get(client, host, "/sitemap.xml"))
        locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert pages[own].full_url in locations
        assert pages[foreign].full_url not in locations
        assert all(location.startswith(f"http://{host}/") for location in locations)
        news = text(get(client, host, "/news-sitemap.xml"))
        assert pages[own].full_url in news and pages[foreign].full_url not in news
        robots = text(get(client, host, "/robots.txt"))
        assert f"Sitemap: http://{host}/sitemap.xml" in robots
        assert f"Sitemap: http://{host}/news-sitemap.xml" in robots


def test_calendars_belong_to_their_host(client, portals):
    body = own_and_foreign(
        client, "/su-kien/ical/", "Sự kiện Tiên Du", "Sự kiện của tỉnh", DISTRICT
    )
    assert f"URL:http://{DISTRICT}/su-kien/" in body.replace("\r\n ", "")
    own_and_foreign(client, "/su-kien/ical/", "Sự kiện của tỉnh", "Sự kiện Tiên Du", PROVINCE)


def head_meta(body):
    soup = BeautifulSoup(body, "html.parser")
    data = json.loads(soup.find("script", type="application/ld+json").string)
    return {
        "canonical": soup.find("link", rel="canonical")["href"],
        "og_url": soup.find("meta", property="og:url")["content"],
        "og_site_name": soup.find("meta", property="og:site_name")["content"],
        "jsonld": data,
    }


def test_metadata_belongs_to_the_host(client, portals):
    _district, pages = portals
    meta = head_meta(text(get(client, DISTRICT, path_of(pages["district"]))))
    assert meta["canonical"] == meta["og_url"] == pages["district"].full_url
    assert meta["canonical"].startswith(f"http://{DISTRICT}/")
    assert meta["og_site_name"] == DISTRICT_NAME
    assert meta["jsonld"]["publisher"]["name"] == DISTRICT_NAME
    assert meta["jsonld"]["url"] == pages["district"].full_url
    meta = head_meta(text(get(client, PROVINCE, path_of(pages["province"]))))
    assert meta["canonical"].startswith(f"http://{PROVINCE}/")
    assert meta["og_site_name"] != DISTRICT_NAME


def test_the_province_features_a_district_article_through_an_alias(client, portals, section):
    district, pages = portals
    original = pages["district"]
    alias = original.create_alias(parent=section, update_slug="tien-du-tin-cua-tien-du")
    alias_path = path_of(alias)
    assert alias_path.startswith("/tin-tuc/")

    # The province lists it and serves it on its own host, with the district's name ...
    assert "Tin của Tiên Du" in text(get(client, PROVINCE, "/"))
    assert "Tin của Tiên Du" in text(get(client, PROVINCE, "/tin-tuc/"))
    body = text(get(client, PROVINCE, alias_path))
    assert DISTRICT_NAME in BeautifulSoup(body, "html.parser").find("article").get_text()
    # ... and its canonical URL stays on the district's host.
    meta = head_meta(body)
    assert meta["canonical"] == meta["og_url"] == original.full_url
    assert meta["jsonld"]["publisher"]["name"] == DISTRICT_NAME
    # Only the district's sitemaps list it; the district lists it once, as its own.
    province_sitemap = text(get(client, PROVINCE, "/sitemap.xml"))
    assert alias_path not in province_sitemap and original.full_url not in province_sitemap
    assert original.full_url in text(get(client, DISTRICT, "/sitemap.xml"))
    assert alias_path not in text(get(client, PROVINCE, "/news-sitemap.xml"))
    listing = text(get(client, DISTRICT, "/chinh-tri/"))
    assert path_of(original) in listing and alias_path not in listing
    assert get(client, DISTRICT, alias_path).status_code == 404

    # An edit of the original shows on the province at once.
    original.title = "Tin của Tiên Du đã cập nhật"
    original.save_revision().publish()
    assert "Tin của Tiên Du đã cập nhật" in text(get(client, PROVINCE, alias_path))


def test_the_page_api_lists_its_host_portal_or_the_one_asked_for(client, portals):
    def titles(host, query=""):
        response = get(client, host, f"/api/v2/articles/{query}")
        assert response.status_code == 200, response.content
        return {item["title"] for item in response.json()["items"]}

    assert "Tin của Tiên Du" in titles(DISTRICT) and "Tin của tỉnh" not in titles(DISTRICT)
    assert "Tin của tỉnh" in titles(PROVINCE) and "Tin của Tiên Du" not in titles(PROVINCE)
    # ?site= names another portal's host.
    assert titles(PROVINCE, f"?site={DISTRICT}") == titles(DISTRICT)
