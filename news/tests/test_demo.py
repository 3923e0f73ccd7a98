import pytest
from django.core.management import call_command
from django.utils.html import escape
from wagtail.models import Page, Revision, Site

from news.models import ArticlePage, EventPage, NewsIndexPage

pytestmark = pytest.mark.embedded


def test_load_demo_builds_a_believable_site_once(client, db):
    call_command("load_demo", verbosity=0)
    counts = (Page.objects.count(), Revision.objects.count())
    assert NewsIndexPage.objects.live().count() >= 3
    assert ArticlePage.objects.live().count() >= 21
    assert EventPage.objects.upcoming().exists() and EventPage.objects.past().exists()
    report = ArticlePage.objects.get(title__startswith="Cụm thi đua")
    photos = [b.value["image"] for b in report.body if b.block_type == "captioned_image"]
    assert len(photos) == 2 and all(photos)
    months = {p.published_at.strftime("%Y-%m") for p in ArticlePage.objects.all()}
    assert len(months) >= 4

    call_command("load_demo", verbosity=0)
    assert (Page.objects.count(), Revision.objects.count()) == counts
    assert client.get("/").status_code == 200
    # The report sits in the district of Yên Phong, served on its own host.
    site_id, root_url, path = report.get_url_parts()
    assert root_url == "http://yenphong.localhost"
    assert client.get(path, HTTP_HOST="yenphong.localhost").status_code == 200


def test_load_demo_builds_a_province_and_two_districts(client, db):
    call_command("load_demo", verbosity=0)
    sites = {site.hostname: site for site in Site.objects.select_related("root_page")}
    assert set(sites) == {"localhost", "yenphong.localhost", "tuson.localhost"}
    assert sites["localhost"].is_default_site
    titles = {}
    for host, site in sites.items():
        home = site.root_page
        assert NewsIndexPage.objects.child_of(home).live().count() >= 2
        assert ArticlePage.objects.live().descendant_of(home).count() >= 3
        assert EventPage.objects.live().descendant_of(home).count() >= 2
        html = client.get("/", HTTP_HOST=host).content.decode()
        assert site.site_name in html
        titles[host] = {p.title for p in ArticlePage.objects.live().descendant_of(home)}
    # Each home lists its own portal's articles and none of another's.
    for host, own in titles.items():
        html = client.get("/", HTTP_HOST=host).content.decode()
        others = set().union(*(t for h, t in titles.items() if h != host)) - own
        assert any(escape(title) in html for title in own)
        assert not any(escape(title) in html for title in others)
    # 127.0.0.1 (make run's address) serves the province.
    assert sites["localhost"].site_name in client.get("/", HTTP_HOST="127.0.0.1").content.decode()
