"""An editor in Chromium (Debian's, through Playwright), under the admin's real CSP:
signs in through the login form, previews an article in the side panel, gets an ASCII
slug from a Vietnamese title, adds an article without autosave leaving a draft behind,
sees autosave pause on an error, and reads the admin in Vietnamese as rendered by its
scripts too."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from wagtail.models import Page, PageLogEntry

from news.models import ArticlePage
from tests.english_left import english_left
from tests.newsroom import EDITORS, STRONG_PASSWORD, make_user, publish_article
from tests.test_admin_vietnamese import HARD_CODED_IN_WAGTAIL
from tests.test_browser import ARTIFACTS
from tests.test_xss_browser import chromium, make_browser  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def editor_page(live_server, chromium, django_user_model, section):  # noqa: F811
    make_user(django_user_model, "phongvien", EDITORS)
    browser, context = make_browser(chromium, bypass_csp=False)
    page = context.new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/admin/login/")
    assert english_left(page.content()) == {}
    page.get_by_label("Tên đăng nhập").fill("phongvien")
    page.get_by_label("Mật khẩu").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/admin/")
    yield page, errors
    context.close()
    browser.close()


UNSAVED_WATCHER_READY = """() => {
    const form = document.querySelector("[data-edit-form]");
    const watcher = window.wagtail.app.getControllerForElementAndIdentifier(form, "w-unsaved");
    return Boolean(watcher && watcher.initialFormData && watcher.previousFormData);
}"""


UNSAVED_WATCHER_CLEAR = """() => {
    const form = document.querySelector("[data-edit-form]");
    const watcher = window.wagtail.app.getControllerForElementAndIdentifier(form, "w-unsaved");
    return !watcher.hasEditsValue;
}"""


def is_autosave(response):
    return response.request.method == "POST" and response.url.endswith("/edit/")


def assert_vietnamese(page):
    left = {t: m for t, m in english_left(page.content()).items() if t not in HARD_CODED_IN_WAGTAIL}
    assert not left, (page.url, left)


def test_the_preview_panel_shows_the_article(live_server, editor_page, section):
    page, errors = editor_page
    article = publish_article(section, "Lễ hội hoa ban Điện Biên 2026", lead="Sapo lễ hội.")
    assert_vietnamese(page)  # the dashboard, its sidebar built by script
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    assert_vietnamese(page)
    page.locator("[data-side-panel-toggle='preview']").click()
    frame = page.frame_locator("#w-preview-iframe")
    heading = frame.locator("h1")
    heading.wait_for()
    assert heading.inner_text() == "Lễ hội hoa ban Điện Biên 2026"
    assert "Sapo lễ hội." in frame.locator("body").inner_text()
    page.screenshot(path=str(ARTIFACTS / "editor-preview-panel.png"))
    assert not errors


def test_a_new_article_gets_an_ascii_slug_and_no_draft_before_saving(
    live_server, editor_page, section
):
    page, errors = editor_page
    pages_before = Page.objects.count()
    page.goto(f"{live_server.url}/admin/pages/add/news/articlepage/{section.pk}/")
    assert_vietnamese(page)
    form = page.locator("form#page-edit-form")
    assert "w-autosave" not in (form.get_attribute("data-controller") or "")
    page.locator("#id_title").press_sequentially("Huyện Yên Phong đón Đoàn công tác", delay=20)
    page.locator("#id_lead").press_sequentially("Sapo của tin.", delay=20)
    page.locator("#id_title").blur()
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_slug").input_value() == "huyen-yen-phong-don-doan-cong-tac"
    # The title is a textarea that grows: a long headline shows in full.
    title = page.locator("#id_title")
    title.fill(
        "Huyện Yên Phong đón Đoàn công tác của Bộ Nội vụ về kiểm tra công tác cải cách "
        "hành chính, chuyển đổi số và thực hiện dân chủ ở cơ sở năm 2026"
    )
    assert title.evaluate("e => e.tagName") == "TEXTAREA"
    assert title.evaluate("e => e.scrollHeight <= e.clientHeight + 2")
    title.fill("Huyện Yên Phong đón Đoàn công tác")
    # Typing created nothing: the page is only there once the reporter saves.
    assert Page.objects.count() == pages_before
    assert "/add/" in page.url

    page.get_by_role("button", name="Lưu bản nháp").first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    assert Page.objects.count() == pages_before + 1
    article = ArticlePage.objects.get(slug="huyen-yen-phong-don-doan-cong-tac")
    assert not article.live
    assert "Đã tạo trang" in page.locator(".messages").inner_text()
    assert_vietnamese(page)
    assert not errors


def test_autosave_keeps_one_history_entry_and_says_when_it_pauses(
    live_server, editor_page, section
):
    page, errors = editor_page
    article = publish_article(section, "Tin đang sửa", live=False)
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    indicator = page.locator("#w-autosave-indicator")
    lead = page.locator("#id_lead")
    text = lead.input_value()
    # Wagtail's unsaved-changes watcher (which starts autosave) takes the form's first
    # state a moment after loading, and a change made while it does so can become part
    # of that state; the first change is typed again until its autosave is seen.
    page.wait_for_function(UNSAVED_WATCHER_READY)
    for attempt in range(5):
        try:
            with page.expect_response(is_autosave, timeout=5_000):
                lead.fill(f"{text} {attempt}")
            break
        except PlaywrightTimeoutError:
            continue
    else:
        pytest.fail("the editor never autosaved")
    text = f"{text} {attempt}"
    for word in (" một", " hai", " ba"):
        page.wait_for_function(UNSAVED_WATCHER_CLEAR)
        text += word
        # Each change is autosaved: wait for that save's answer.
        with page.expect_response(is_autosave) as saved:
            lead.fill(text)
        assert saved.value.ok
    page.wait_for_function(UNSAVED_WATCHER_CLEAR)
    article.refresh_from_db()
    assert article.get_latest_revision_as_object().lead.endswith("một hai ba")
    # Autosaves overwrite the same revision, and History shows one "Draft saved".
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/history/")
    assert_vietnamese(page)
    history = page.locator("main").inner_text()
    assert history.count("Đã lưu bản nháp") == 1
    assert (
        PageLogEntry.objects.filter(page=article, action="wagtail.edit")
        .values("uuid")
        .distinct()
        .count()
        == 1
    )

    # A required field emptied: autosave stops and says why, in the footer and header.
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    page.wait_for_function(UNSAVED_WATCHER_READY)
    paused = page.get_by_text("Có lỗi nhập liệu, bấm lưu để đánh dấu các lỗi.")
    for attempt in range(5):
        # An empty title, then a blank one: both are refused (see above on retyping).
        page.locator("#id_title").fill(" " * (attempt % 2))
        try:
            paused.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    paused.wait_for()
    assert indicator.get_by_text("Đã tạm dừng tự động lưu").is_visible()
    page.screenshot(path=str(ARTIFACTS / "editor-autosave-paused.png"))
    assert not errors


def test_tags_take_the_suggestion_or_the_typed_text_and_show_without_quotes(
    live_server, editor_page, section
):
    page, errors = editor_page
    earlier = publish_article(section, "Tin có từ khóa")
    earlier.tags.add("nông thôn mới")
    earlier.save_revision().publish()
    article = publish_article(section, "Tin cần gắn từ khóa", live=False)
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    field = page.locator("ul.tagit")
    tag_input = field.locator(".tagit-new input")
    suggestions = page.locator("ul.ui-autocomplete:visible li.ui-menu-item")
    labels = field.locator(".tagit-choice .tagit-label")

    # A suggestion highlighted with the arrow key: Enter takes it.
    tag_input.press_sequentially("nông th", delay=30)
    suggestions.first.wait_for()
    assert suggestions.all_inner_texts() == ["nông thôn mới"]
    tag_input.press("ArrowDown")
    tag_input.press("Enter")
    assert labels.all_inner_texts() == ["nông thôn mới"]

    # Suggestions open, none highlighted: Enter takes the typed text, and the next tag
    # starts afresh instead of being glued onto it.
    tag_input.press_sequentially("nông", delay=30)
    suggestions.first.wait_for()
    tag_input.press("Enter")
    tag_input.press_sequentially("Yên Phong", delay=30)
    tag_input.press("Enter")
    tag_input.press_sequentially("chuyển đổi số", delay=30)
    tag_input.press(",")
    assert labels.all_inner_texts() == ["nông thôn mới", "nông", "Yên Phong", "chuyển đổi số"]
    assert tag_input.input_value() == ""
    page.screenshot(path=str(ARTIFACTS / "editor-tags.png"))

    page.get_by_role("button", name="Lưu bản nháp").first.click()
    page.locator(".messages").get_by_text("Đã cập nhật trang").wait_for()
    saved = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert sorted(tag.name for tag in saved.tags.all()) == sorted(
        ["nông thôn mới", "nông", "Yên Phong", "chuyển đổi số"]
    )
    # Opened again, the saved tags show as typed, without quotes.
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    assert sorted(labels.all_inner_texts()) == sorted(
        ["nông thôn mới", "nông", "Yên Phong", "chuyển đổi số"]
    )
    assert not errors
