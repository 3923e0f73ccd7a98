"""Accessibility audit: axe-core (from npm, tests/tooling) in Debian's Chromium on every
page type of the demo site, at phone and desktop widths. No violation of serious or
critical impact under the WCAG 2.1 A/AA rules. A full-page screenshot of each page type
and width is kept in test-artifacts/screenshots/ for reviewers."""

from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Site

from news.models import ArticlePage, EventIndexPage, EventPage, NewsIndexPage
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, playwright_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).resolve().parent / "tooling" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ARTIFACTS / "screenshots"
VIEWPORTS = {"phone": {"width": 412, "height": 915}, "desktop": {"width": 1366, "height": 900}}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


# The district portal that holds the seed report, its sections and events (load_demo).
DEMO_HOST = "yenphong.localhost"


@pytest.fixture
def demo_pages(settings):
    """Paths on the demo's district portal; ``demo_base`` gives its address."""
    settings.PAGE_CACHE_SECONDS = 0
    call_command("load_demo", verbosity=0)
    home = Site.objects.get(hostname=DEMO_HOST).root_page
    event = EventPage.objects.live().descendant_of(home).order_by("start_at").last()

    def path(page) -> str:
        return page.get_url_parts()[2]

    return {
        "home": "/",
        "section": path(NewsIndexPage.objects.descendant_of(home).get(slug="tin-tuc-su-kien")),
        "article": path(ArticlePage.objects.get(initial_view_count=161)),
        "event": path(event),
        "events": path(EventIndexPage.objects.descendant_of(home).get()),
        "search-results": "/search/?q=thi+%C4%91ua",
        "search-empty": "/search/?q=khongcoketquanao",
    }


@pytest.fixture
def demo_base(live_server) -> str:
    # Chromium resolves *.localhost to the loopback address the live server listens on.
    return f"http://{DEMO_HOST}:{live_server.url.rsplit(':', 1)[1]}"


@pytest.fixture
def axe_source():
    assert AXE.exists(), f"{AXE} is missing: run `npm ci --prefix tests/tooling` (make test does)"
    return AXE.read_text(encoding="utf-8")


def audit(page, source) -> list[dict]:
    # Evaluated through the DevTools protocol, which the page's CSP does not govern: the
    # pages keep their strict policy during the audit.
    page.evaluate(source + ";0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def font_size(page) -> float:
    return page.locator(".article__body p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).fontSize)"
    )


def check_reader_tools(page, base, pages, width_name) -> None:
    """What the static script and the CSS do in a real browser: the font-size switch
    (remembered across pages), tabs without script, print, folded search filters."""
    page.goto(base + pages["article"])
    normal = font_size(page)
    page.get_by_role("button", name="Chữ lớn hơn").click()
    larger = font_size(page)
    assert larger > normal
    page.reload()
    assert font_size(page) == larger  # remembered
    page.get_by_role("button", name="Cỡ chữ mặc định").click()
    assert font_size(page) == normal

    today = page.locator(".most-read__period--today")
    week = page.locator(".most-read__period--week")
    assert today.is_visible() and not week.is_visible()
    page.locator("label[for=most-read-tab-week]").click()
    assert week.is_visible() and not today.is_visible()

    page.emulate_media(media="print")
    assert page.locator("article.article").is_visible()
    for chrome in (".site-header", ".sidebar", ".site-footer", ".article-tools", ".related"):
        assert not page.locator(chrome).first.is_visible(), chrome
    page.emulate_media(media="screen")

    page.goto(base + pages["search-results"])
    filters_open = page.locator("details.search-form__filters").evaluate("d => d.open")
    assert filters_open is (width_name == "desktop")


def test_every_page_type_passes_axe_at_phone_and_desktop_widths(
    demo_base, demo_pages, axe_source, monkeypatch
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failures = {}
    audited = 0
    with playwright_session(monkeypatch) as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width_name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, locale="vi-VN")
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                for name, url in demo_pages.items():
                    response = page.goto(demo_base + url, wait_until="networkidle")
                    assert response.status == 200, (name, url, response.status)
                    page.screenshot(path=SCREENSHOTS / f"{name}-{width_name}.png", full_page=True)
                    violations = audit(page, axe_source)
                    audited += 1
                    if violations:
                        failures[f"{name} ({width_name})"] = violations
                assert errors == [], errors
                check_reader_tools(page, demo_base, demo_pages, width_name)
                context.close()
        finally:
            browser.close()
    assert audited == len(demo_pages) * len(VIEWPORTS)
    assert failures == {}
    expected = {f"{name}-{width}.png" for name in demo_pages for width in VIEWPORTS}
    assert expected <= {path.name for path in SCREENSHOTS.glob("*.png")}
