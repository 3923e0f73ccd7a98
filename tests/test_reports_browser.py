"""An editor reads the statistics in Chromium under the admin's CSP: switches the period,
sees the chart redrawn, downloads the top articles as CSV."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from hitcount.models import HitCount

from news.models import ArticlePage
from stats.models import DailyPageViews
from tests.newsroom import EDITORS, make_user, publish_article
from tests.test_browser import ARTIFACTS
from tests.test_xss_browser import make_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def chromium(monkeypatch):
    from tests.test_browser import playwright_session

    with playwright_session(monkeypatch) as playwright:
        yield playwright


def test_editor_switches_the_period_and_downloads_csv(
    live_server, chromium, section, django_user_model
):
    editor = make_user(django_user_model, "bientap", EDITORS)
    article = publish_article(section, "Lễ hội hoa ban", days_ago=40)
    counter, _ = HitCount.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(ArticlePage), object_pk=article.pk
    )
    today = timezone.localdate()
    for days_ago, views in ((0, 120), (3, 80), (20, 400)):
        DailyPageViews.objects.create(
            hitcount=counter, day=today - timedelta(days=days_ago), views=views
        )

    browser, context = make_browser(chromium, bypass_csp=False)
    try:
        # Signed in as the editor: the test client's session cookie, handed to Chromium.
        client = Client()
        client.force_login(editor)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        problems = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(live_server.url + "/admin/stats/")
        chart = page.locator("svg.stats-chart").first
        assert chart.get_attribute("data-days") == "30"
        before = chart.inner_html()
        assert page.locator("[data-stats-total-views]").inner_text() == "600"

        page.select_option("select[name=period]", "7")
        page.get_by_role("button", name="Xem", exact=True).click()
        page.wait_for_url("**/admin/stats/?period=7*")
        chart = page.locator("svg.stats-chart").first
        assert chart.get_attribute("data-days") == "7"
        assert chart.inner_html() != before
        assert page.locator("[data-stats-total-views]").inner_text() == "200"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "reports-dashboard.png", full_page=True)

        page.get_by_role("link", name="Báo cáo đầy đủ và tải về (CSV, XLSX)").first.click()
        page.wait_for_url("**/admin/stats/news/articles/?period=7*")
        assert "Lễ hội hoa ban" in page.locator("table.listing").inner_text()
        export = page.locator('a[href*="export=csv"]')
        if not export.is_visible():
            page.locator("header [data-w-dropdown-target=toggle]").first.click()
        with page.expect_download() as info:
            export.click()
        download = info.value
        assert download.suggested_filename.startswith("bai-viet-doc-nhieu_")
        assert download.suggested_filename.endswith(f"{today:%d-%m-%Y}.csv")
        rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
        assert rows[1][0] == "Lễ hội hoa ban" and rows[1][-1] == "200"
        assert problems == [], problems  # no CSP violation, no script error
    finally:
        context.close()
        browser.close()
