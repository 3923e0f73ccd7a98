"""Search per portal: a portal searches its own pages; the province also every portal
("Toàn tỉnh"), with each result's portal named and linked on its own host."""

import pytest

from news.portals import create_portal
from search.tests.conftest import publish_article

pytestmark = pytest.mark.django_db

DISTRICT_HOST = "tiendu.localhost"
TOPIC = "Hội thi tiếng hát dân ca quan họ"


@pytest.fixture
def portals(section, live_engine, django_capture_on_commit_callbacks):
    """The same topic on the province portal and on a district portal, indexed through
    the publishing signals as editors would."""
    district = create_portal("Tiên Du", DISTRICT_HOST)
    district_section = district.sections["tin-tuc-su-kien"]
    with django_capture_on_commit_callbacks(execute=True):
        province_page = publish_article(section, f"{TOPIC} cấp tỉnh")
        district_page = publish_article(district_section, f"{TOPIC} huyện Tiên Du")
    return province_page, district_page, district


def search(client, host, **params):
    response = client.get("/search/", {"format": "json", **params}, HTTP_HOST=host)
    assert response.status_code == 200
    return {hit["id"]: hit for hit in response.json()["results"]}


def test_each_portal_searches_its_own_pages(client, portals):
    province_page, district_page, _ = portals
    assert set(search(client, "localhost", q="quan ho")) == {province_page.pk}
    district_hits = search(client, DISTRICT_HOST, q="quan ho")
    assert set(district_hits) == {district_page.pk}
    # Its own results need no portal name, and their links stay on the host.
    assert district_hits[district_page.pk]["site"] is None
    assert district_hits[district_page.pk]["url"].startswith("/")


def test_the_province_searches_every_portal(client, portals):
    province_page, district_page, district = portals
    hits = search(client, "localhost", q="quan ho", site="all")
    assert set(hits) == {province_page.pk, district_page.pk}
    assert hits[district_page.pk]["site"] == "Tiên Du"
    assert hits[district_page.pk]["url"].startswith(f"http://{DISTRICT_HOST}/")
    assert hits[province_page.pk]["site"]  # every result is named in a network search
    # One district, chosen from the province.
    assert set(search(client, "localhost", q="quan ho", site=district.portal.site.pk)) == {
        district_page.pk
    }


def test_a_district_cannot_widen_its_search(client, portals):
    _, district_page, _ = portals
    response = client.get(
        "/search/", {"format": "json", "q": "quan ho", "site": "all"}, HTTP_HOST=DISTRICT_HOST
    )
    data = response.json()
    assert {hit["id"] for hit in data["results"]} == {district_page.pk}
    assert "Không có cổng thông tin này; chỉ tìm trong cổng này." in data["messages"]


def test_the_html_page_names_the_portal_and_offers_the_whole_province(client, portals):
    _, district_page, _ = portals
    html = client.get("/search/", {"q": "quan ho", "site": "all"}, HTTP_HOST="localhost")
    text = html.content.decode()
    assert '<option value="all" selected>Toàn tỉnh</option>' in text
    assert '<span class="search-result__site">Tiên Du</span>' in text
    district_html = client.get("/search/", {"q": "quan ho"}, HTTP_HOST=DISTRICT_HOST)
    assert "Toàn tỉnh" not in district_html.content.decode()


def test_suggestions_keep_to_the_portal(client, portals):
    def titles(host):
        data = client.get("/search/suggest/", {"q": "quan ho"}, HTTP_HOST=host).json()
        return [s["label"] for s in data["suggestions"] if s["type"] == "title"]

    assert titles("localhost") == [f"{TOPIC} cấp tỉnh"]
    assert titles(DISTRICT_HOST) == [f"{TOPIC} huyện Tiên Du"]


def test_a_rebuild_keeps_the_portals_apart(client, portals, live_engine):
    from search import service

    province_page, district_page, _ = portals
    service.rebuild(live_engine)
    assert set(search(client, DISTRICT_HOST, q="quan ho")) == {district_page.pk}
    assert set(search(client, "localhost", q="quan ho", site="all")) == {
        province_page.pk,
        district_page.pk,
    }
