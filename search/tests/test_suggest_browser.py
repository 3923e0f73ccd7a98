"""A reader types in the header search box of a real page in Chromium (strict CSP, no
bypass): suggestions appear, the keyboard moves through them, Enter opens one."""

import pytest

from search.tests.conftest import publish_article, use_engine
from tests.test_browser import ARTIFACTS
from tests.test_xss_browser import make_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HOSTILE = 'Thôn Đông <img src=x onerror="window.hacked=1">'


@pytest.fixture
def chromium(monkeypatch):
    from tests.test_browser import playwright_session

    with playwright_session(monkeypatch) as playwright:
        yield playwright


def test_reader_types_and_picks_a_suggestion(live_server, chromium, section, settings):
    use_engine(settings, "database")
    first = publish_article(section, "Xây dựng nông thôn mới ở xã Tân Lập", authors=["Lê Minh Thu"])
    publish_article(section, "Huyện Yên Phong về đích nông thôn mới nâng cao")
    publish_article(section, HOSTILE)

    browser, context = make_browser(chromium, bypass_csp=False)
    try:
        page = context.new_page()
        problems = []
        # Script errors and CSP refusals; failed requests are checked by their address
        # below (Chromium asks for /favicon.ico, which the portal does not have).
        page.on(
            "console",
            lambda msg: (
                problems.append(msg.text)
                if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.goto(live_server.url + first.url)
        box = page.locator("header input[data-search-suggest]")
        assert box.get_attribute("role") == "combobox"
        assert box.get_attribute("aria-expanded") == "false"

        box.press_sequentially("nong thon mo", delay=30)
        listbox = page.get_by_role("listbox", name="Gợi ý")
        options = listbox.get_by_role("option")
        options.first.wait_for()
        assert options.all_inner_texts() == [
            "Huyện Yên Phong về đích nông thôn mới nâng cao",
            "Xây dựng nông thôn mới ở xã Tân Lập",
        ]
        assert box.get_attribute("aria-expanded") == "true"
        assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search-suggestions.png"))

        # Arrows move the active option (and wrap); Escape closes; typing reopens.
        box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
        box.press("ArrowDown")
        box.press("ArrowDown")
        assert options.nth(0).get_attribute("aria-selected") == "true"
        box.press("ArrowUp")
        assert options.nth(1).get_attribute("aria-selected") == "true"
        box.press("Escape")
        assert listbox.is_hidden()
        assert box.get_attribute("aria-expanded") == "false"
        box.press("ArrowDown")
        assert box.get_attribute("aria-expanded") == "true"
        box.press("ArrowDown")
        box.press("Enter")
        page.wait_for_url(f"**{first.url}")

        # Authors too, marked; a title is shown as text, never run.
        box = page.locator("header input[data-search-suggest]")
        box.press_sequentially("le minh", delay=30)
        author = page.get_by_role("option").first
        author.wait_for()
        assert author.inner_text().split("\n") == ["Lê Minh Thu", "Tác giả"]
        box.fill("")
        box.press_sequentially("thon dong", delay=30)
        hostile = page.get_by_role("option", name=HOSTILE)
        hostile.wait_for()
        assert page.evaluate("window.hacked") is None

        # Enter with no active option submits the typed query to the search page.
        box.press("Escape")
        box.press("Enter")
        page.wait_for_url("**/search/?q=thon+dong")
        assert problems == [], problems  # no CSP violation, no script error
    finally:
        context.close()
        browser.close()
