"""Three portals in Chromium (strict CSP): the province host and two district hosts,
each with its own banner, its own visitor widget and a search of its own pages; the
province also searches the whole province. Chromium resolves *.localhost to loopback,
so the live server answers every host."""

import pytest
from wagtail.models import Site

from core.models import PortalSettings
from news.portals import create_portal
from search.tests.conftest import publish_article, use_engine
from tests.test_xss_browser import make_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TOPIC = "Lễ hội vật truyền thống"
DISTRICTS = (("Yên Phong", "yenphong.localhost"), ("Tiên Du", "tiendu.localhost"))


@pytest.fixture
def chromium(monkeypatch):
    from tests.test_browser import playwright_session

    with playwright_session(monkeypatch) as playwright:
        yield playwright


@pytest.fixture
def three_portals(live_server, section, settings, django_capture_on_commit_callbacks):
    """The province (the default site, ``localhost``) and two districts, each with its
    banner name and an article on the same topic; every site on the live server's port."""
    use_engine(settings, "database")
    port = int(live_server.url.rsplit(":", 1)[1])
    province = Site.objects.get(is_default_site=True)
    portals = {province.hostname: ("Cổng thông tin điện tử tỉnh Bắc Ninh", section)}
    for name, host in DISTRICTS:
        result = create_portal(name, host)
        portals[host] = (f"Cổng thông tin điện tử huyện {name}", result.sections["tin-tuc-su-kien"])
    titles = {}
    with django_capture_on_commit_callbacks(execute=True):
        for host, (banner, parent) in portals.items():
            site = Site.objects.get(hostname=host)
            frame, _ = PortalSettings.objects.get_or_create(site=site)
            frame.portal_name = banner
            frame.save()
            titles[host] = f"{TOPIC} – {banner}"
            publish_article(parent, titles[host])
    Site.objects.update(port=port)
    return {host: (banner, titles[host], port) for host, (banner, _) in portals.items()}


def test_each_host_has_its_banner_widget_and_search(three_portals, chromium):
    browser, context = make_browser(chromium, bypass_csp=False)
    problems = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                problems.append(msg.text)
                if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                else None
            ),
        )
        for host, (banner, title, port) in three_portals.items():
            base = f"http://{host}:{port}"
            page.goto(base + "/")
            assert page.locator(".banner .site-brand__name").text_content().strip() == banner
            widget = page.get_by_role("region", name="Thống kê truy cập")
            assert widget.locator("[data-stats-online]").count() == 1
            # The reader searches from the header box: the portal's own article only.
            page.locator("header input[name=q]").fill("vat truyen thong")
            page.locator("header input[name=q]").press("Enter")
            page.wait_for_url("**/search/**")
            found = page.locator(".search-result__title").all_inner_texts()
            assert found == [title], host
            assert page.locator(".search-result__site").count() == 0

        # The province searches the whole province: every portal, each result named.
        province = "localhost"
        _banner, _title, port = three_portals[province]
        page.goto(f"http://{province}:{port}/search/?q=vat+truyen+thong")
        page.locator("#search-site").select_option(label="Toàn tỉnh")
        page.locator(".search-form__submit").click()
        page.wait_for_url("**site=all**")
        found = page.locator(".search-result__title").all_inner_texts()
        assert sorted(found) == sorted(title for _, title, _ in three_portals.values())
        names = page.locator(".search-result__site").all_inner_texts()
        assert {"Yên Phong", "Tiên Du"} <= set(names) and len(names) == 3
        # A district's result leads to the district's own host.
        page.get_by_role("link", name=three_portals["tiendu.localhost"][1]).click()
        page.wait_for_url(f"http://tiendu.localhost:{port}/**")
        assert page.locator(".banner .site-brand__name").text_content().strip() == (
            "Cổng thông tin điện tử huyện Tiên Du"
        )
        assert problems == []
    finally:
        browser.close()
