"""XSS payloads in every field an editor, an importer or a reader controls render inert
in headless Chromium (Debian's, through Playwright): no dialog, no injected script.

The first test lets the page ignore its Content-Security-Policy, so escaping alone must
hold; the second shows the policy itself stops inline script on a public page.
"""

import pytest

from news.models import ArticleAuthor, Author, Category
from tests.newsroom import make_image, publish_article
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, playwright_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MARK = "window.__xss = (window.__xss || 0) + 1"
PAYLOAD = (
    f"<script>{MARK}</script>"
    f'<img src=x onerror="{MARK}; alert(1)">'
    f'"><svg onload="{MARK}"></svg>'
    "<a href=\"javascript:alert('x')\">bấm</a>"
    "{{ 7|add:7 }}"
)
# Tag names hold at most 100 characters.
SHORT_PAYLOAD = "<script>window.__xss=1</script><img src=x onerror=alert(1)>"
INJECTED = (
    "[onerror], [onload], [onclick], [onmouseover], a[href^='javascript:'], svg, img[src='x']"
)


def make_browser(playwright, bypass_csp):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(locale="vi-VN", bypass_csp=bypass_csp)
    return browser, context


@pytest.fixture
def chromium(monkeypatch):
    with playwright_session(monkeypatch) as playwright:
        yield playwright


@pytest.fixture
def hostile_article(section, tmp_path):
    category = Category.objects.create(name=f"Mục {PAYLOAD}", slug="muc")
    page = publish_article(
        section,
        f"Tiêu đề {PAYLOAD}",
        kicker=f"Dòng trên {PAYLOAD}",
        lead=f"Sapo {PAYLOAD}",
        lead_image=make_image(),
        lead_image_caption=f"Chú thích ảnh đại diện {PAYLOAD}",
        category=category,
        body=[
            ("paragraph", f"<p>Đoạn văn {PAYLOAD.replace('<', '&lt;')}</p>"),
            (
                "captioned_image",
                {
                    "image": make_image("Ảnh 2"),
                    "caption": f"Chú thích {PAYLOAD}",
                    "credit": f"Nguồn {PAYLOAD}",
                    "alt_text": f"Mô tả {PAYLOAD}",
                },
            ),
            ("quote", {"text": f"Trích dẫn {PAYLOAD}", "attribution": f"Người nói {PAYLOAD}"}),
        ],
    )
    author = Author.objects.create(name=f"Tác giả {PAYLOAD}", role=f"Chức vụ {PAYLOAD}")
    ArticleAuthor.objects.create(page=page, author=author)
    page.tags.add(f"thẻ {SHORT_PAYLOAD}")
    page.save_revision().publish()
    return page


@pytest.fixture
def imported_hostile(section, tmp_path):
    from news.importer.service import import_file

    export = tmp_path / "bai-doc-hai.txt"
    export.write_text(
        f"Bài nhập khẩu {PAYLOAD}\n"
        "Thứ sáu, 13/03/2020 08:12 | Lượt xem: 12\n\n"
        f"Sapo nhập khẩu {PAYLOAD}.\n\n"
        f"Đoạn thân bài {PAYLOAD}.\n\n"
        f"Nguyễn Văn {PAYLOAD}\n",
        encoding="utf-8",
    )
    result = import_file(export, section, None)
    assert result.status == "created", result.reason
    return result.page


def visit(context, url):
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(url)
    page.wait_for_load_state("load")
    result = {
        "status": response.status,
        "ran": page.evaluate("window.__xss || 0"),
        "injected": page.locator(INJECTED).count(),
        "text": page.locator("body").inner_text(),
        "dialogs": dialogs,
        "errors": errors,
    }
    page.close()
    return result


def test_payloads_render_as_text(live_server, chromium, hostile_article, imported_hostile, home):
    browser, context = make_browser(chromium, bypass_csp=True)
    try:
        search = "/search/?q=" + PAYLOAD.replace("&", "%26").replace("#", "%23")
        urls = [
            hostile_article.url,
            imported_hostile.url,
            hostile_article.get_parent().url,
            home.url,
            search,
            "/search/?q=Ti%C3%AAu+%C4%91%E1%BB%81",  # finds the hostile article
        ]
        for url in urls:
            seen = visit(context, live_server.url + url)
            assert seen["status"] == 200, url
            assert seen["dialogs"] == [], url
            assert seen["ran"] == 0, url
            assert seen["injected"] == 0, url
            assert seen["errors"] == [], url
        # The payload is shown to the reader as the text it is.
        article = visit(context, live_server.url + hostile_article.url)["text"]
        for label in ("Tiêu đề", "Sapo", "Chú thích", "Tác giả", "thẻ", "Trích dẫn"):
            assert f"{label} <script>" in article, label
        assert "{{ 7|add:7 }}" in article
        imported = visit(context, live_server.url + imported_hostile.url)["text"]
        assert "Bài nhập khẩu <script>" in imported
        results = visit(context, live_server.url + "/search/?q=Ti%C3%AAu+%C4%91%E1%BB%81")
        assert "Tiêu đề <script>" in results["text"]
    finally:
        context.close()
        browser.close()


def test_policy_blocks_inline_script_on_public_pages(live_server, chromium, hostile_article):
    browser, context = make_browser(chromium, bypass_csp=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + hostile_article.url)
        outcome = page.evaluate(
            """() => new Promise((resolve) => {
                document.addEventListener("securitypolicyviolation",
                    (event) => resolve({blocked: event.violatedDirective, ran: window.__inline || 0}));
                const script = document.createElement("script");
                script.textContent = "window.__inline = 1";
                document.body.appendChild(script);
                setTimeout(() => resolve({blocked: null, ran: window.__inline || 0}), 2000);
            })"""
        )
        assert outcome["ran"] == 0
        assert outcome["blocked"].startswith("script-src")
    finally:
        context.close()
        browser.close()


def test_admin_works_under_its_policy(live_server, chromium, section, django_user_model):
    django_user_model.objects.create_superuser("quantri", "qt@example.vn", "Mật-khẩu-quản-trị-2026")
    article = publish_article(section, "Bài để sửa", lead_image=make_image())
    browser, context = make_browser(chromium, bypass_csp=False)
    try:
        page = context.new_page()
        violations, errors = [], []
        page.on(
            "console",
            lambda msg: (
                violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/admin/login/")
        page.fill("input[name=username]", "quantri")
        page.fill("input[name=password]", "Mật-khẩu-quản-trị-2026")
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")
        page.goto(live_server.url + f"/admin/pages/{article.pk}/edit/")
        page.wait_for_load_state("load")
        # The editor's JavaScript has drawn the body field and the page's title.
        assert page.locator("textarea[name=title]").input_value() == "Bài để sửa"
        page.locator("[data-contentpath=body]").first.wait_for()
        # The page itself, with Wagtail's userbar for the signed-in editor.
        page.goto(live_server.url + article.url)
        page.locator("wagtail-userbar").wait_for(state="attached")
        assert violations == [], violations
        assert errors == []
    finally:
        context.close()
        browser.close()
