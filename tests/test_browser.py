"""A reader opens the imported report in headless Chromium (Debian's, driven by Playwright)."""

import contextlib
import os
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@contextlib.contextmanager
def playwright_session(monkeypatch):
    """Playwright's sync API, with the database connections it makes Django keep apart
    closed at the end.

    The sync API runs an event loop in this thread, so asgiref treats the thread as
    async: the connections the ORM opens meanwhile (fixtures requested after this one,
    the test itself) live in a context of their own, which the usual cleanup never
    sees. Left open, one blocks dropping the test database at the end of the run.
    The ORM calls made here are still plain synchronous calls.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.path.exists(CHROMIUM), "Debian's chromium is required for browser tests"
    with sync_playwright() as playwright:
        try:
            yield playwright
        finally:
            connections.close_all()


@pytest.fixture
def browser_page(monkeypatch):
    with playwright_session(monkeypatch) as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="vi-VN")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, errors
        context.close()
        browser.close()


def test_reader_sees_the_report_on_a_phone(live_server, imported_article, browser_page):
    page, errors = browser_page
    response = page.goto(live_server.url + imported_article.url)
    assert response.status == 200

    article = page.locator("article")
    assert article.locator("h1").inner_text().startswith("Cụm thi đua các huyện")
    assert article.locator("time").first.inner_text() == "13/03/2020 08:12"
    assert "Số lượt xem: 161" in article.locator(".view-count").inner_text()
    captions = article.locator("figure figcaption")
    assert captions.count() == 2
    assert captions.nth(1).inner_text() == "Các thành viên ký kết giao ước thi đua."
    # Each photo really loaded and sits directly above its caption.
    for index in range(2):
        figure = article.locator("figure").nth(index)
        image_box = figure.locator("img").bounding_box()
        caption_box = figure.locator("figcaption").bounding_box()
        assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        assert 0 <= caption_box["y"] - (image_box["y"] + image_box["height"]) < 40
    assert article.locator(".byline").inner_text().strip() == "Vũ Hưng"
    # Nothing overflows a phone screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 412
    assert errors == []

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "article-phone.png"), full_page=True)
