"""The editors' admin is Vietnamese: every view on their path, rendered as the reporter or
the moderator, has no Django or Wagtail msgid left in English (tests/english_left.py
compares the page's text with the msgids of the installed catalogues).

The path: login, dashboard (with a page awaiting review), explorer, add and edit
article (publishing schedule, workflow actions), choosers, image upload, the messages
after saving, submitting and publishing, history, compare, workflow history and the
reports an editor opens.
"""

from datetime import timedelta
from pathlib import Path

import polib
import pytest
import wagtail
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import querydict_from_html

from news.models import Author
from tests.english_left import english_left, locale_dirs
from tests.newsroom import EDITORS, MODERATORS, make_image, make_user, publish_article

pytestmark = pytest.mark.embedded

WAGTAIL_TEMPLATES = Path(wagtail.__file__).parent / "admin" / "templates" / "wagtailadmin"
# English that Wagtail 8.0.1 writes straight into its templates, outside gettext: no
# catalogue can translate it. Each is pinned below, so an upgrade that wraps it in
# gettext removes it from this list.
HARD_CODED_IN_WAGTAIL = {
    "Search": ("shared/header.html", 'value="Search"'),
    "Actions": ("shared/headers/_actions.html", 'aria-label="Actions"'),
    # The hidden counter of a side panel's toggle prints Python's None when it has none.
    "None": ("shared/side_panel_toggle.html", "{% if not count %}hidden{% endif %}"),
}


def assert_vietnamese(response, url=""):
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        html = response.json().get("html", "")
    left = {t: m for t, m in english_left(html).items() if t not in HARD_CODED_IN_WAGTAIL}
    assert not left, (url, left)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reporter(db, django_user_model):
    return make_user(django_user_model, "phongvien", EDITORS)


@pytest.fixture
def moderator(db, django_user_model):
    return make_user(django_user_model, "thuky", MODERATORS)


@pytest.fixture
def newsroom(section, reporter):
    Author.objects.create(name="Trần Quốc Toản", role="Phóng viên")
    make_image("Hội nghị thi đua")
    published = publish_article(section, "Hội nghị ký kết giao ước thi đua năm 2026")
    draft = publish_article(section, "Huyện Yên Phong đón bằng công nhận", live=False)
    draft.title = "Huyện Yên Phong đón Bằng công nhận nông thôn mới"
    draft.save_revision(user=reporter)
    return published, draft


def edit_form(client, edit_url, html=None):
    """The edit form's data as the browser would post it (the body is built by script:
    the fixture's articles have none)."""
    html = html or client.get(edit_url).content.decode()
    form = querydict_from_html(html, form_id="page-edit-form")
    form["body-count"] = "0"
    return form


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_login_page_is_vietnamese(db, client):
    response = client.get("/admin/login/")
    assert_vietnamese(response, "/admin/login/")
    html = response.content.decode()
    assert "Đăng nhập" in html
    # Wagtail's own catalogue lacks the space before "của bạn".
    assert 'placeholder="Nhập tên đăng nhập của bạn"' in html


def test_reporters_path_is_vietnamese(section, newsroom, reporter):
    published, draft = newsroom
    client = client_for(reporter)
    revisions = list(draft.revisions.order_by("pk").values_list("pk", flat=True))
    author_chooser = reverse("wagtailsnippetchoosers_news_author:choose")
    urls = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{section.pk}/",
        f"/admin/pages/{section.pk}/add_subpage/",
        reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk)),
        reverse("wagtailadmin_pages:edit", args=(published.pk,)),
        reverse("wagtailadmin_pages:edit", args=(draft.pk,)),
        reverse("wagtailadmin_pages:history", args=(draft.pk,)),
        reverse(
            "wagtailadmin_pages:revisions_compare", args=(draft.pk, revisions[0], revisions[-1])
        ),
        reverse("wagtailadmin_pages:workflow_history", args=(draft.pk,)),
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/images/chooser/",
        "/admin/documents/chooser/",
        "/admin/choose-page/",
        author_chooser,
        "/admin/reports/locked/",
    ]
    for url in urls:
        assert_vietnamese(client.get(url, follow=True), url)

    # Saving a draft and submitting it for review: the admin's messages after each.
    edit = reverse("wagtailadmin_pages:edit", args=(draft.pk,))
    response = client.post(edit, edit_form(client, edit), follow=True)
    assert_vietnamese(response, "after saving a draft")
    assert "Đã cập nhật trang" in response.content.decode()
    form = edit_form(client, edit, response.content.decode())
    form["action-submit"] = "1"
    response = client.post(edit, form, follow=True)
    assert_vietnamese(response, "after submitting")
    assert "Đã gửi duyệt trang" in response.content.decode()
    assert_vietnamese(client.get("/admin/"), "dashboard with a page in review")


def test_moderators_path_is_vietnamese(section, newsroom, reporter, moderator):
    published, draft = newsroom
    draft.get_workflow().start(draft, reporter)
    client = client_for(moderator)
    dashboard = client.get("/admin/")
    assert_vietnamese(dashboard, "moderator's dashboard")
    assert "Chờ bạn duyệt" in dashboard.content.decode()
    task_state = draft.current_workflow_task_state
    for action in ("approve", "reject"):
        url = reverse("wagtailadmin_pages:workflow_action", args=(draft.pk, action, task_state.pk))
        assert_vietnamese(client.get(url), url)
    edit = reverse("wagtailadmin_pages:edit", args=(draft.pk,))
    assert_vietnamese(client.get(edit), "edit in review")
    for url in [
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/site-history/",
        "/admin/reports/aging-pages/",
    ]:
        assert_vietnamese(client.get(url), url)

    # Publishing directly, and the page's history afterwards.
    edit = reverse("wagtailadmin_pages:edit", args=(published.pk,))
    form = edit_form(client, edit)
    form["action-publish"] = "1"
    response = client.post(edit, form, follow=True)
    assert_vietnamese(response, "after publishing")
    assert "Đã xuất bản trang" in response.content.decode()
    history = reverse("wagtailadmin_pages:history", args=(published.pk,))
    assert_vietnamese(client.get(history), history)


def test_the_words_editors_reported_read_right(db):
    with override("vi"):
        assert gettext("Pages") == "Trang"  # the admin's menu, not "Phân trang"
        assert gettext("History") == "Lịch sử"  # not Django admin's "Bản ghi nhớ"
        assert gettext("Save draft") == "Lưu bản nháp"
        assert gettext("Set publishing schedule") == "Đặt lịch xuất bản"
        assert gettext("Request changes") == "Yêu cầu sửa"
        assert gettext("Awaiting your review") == "Chờ bạn duyệt"
        assert gettext("Autosave is paused") == "Đã tạm dừng tự động lưu"


def test_project_messages_never_override_wagtails():
    """A msgid of the project's catalogue that Django or Wagtail also uses (same context)
    is settled in locale/admin, which comes first: the admin keeps its own meaning."""
    project = polib.pofile(str(settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    admin = polib.pofile(
        str(settings.BASE_DIR / "locale" / "admin" / "vi" / "LC_MESSAGES" / "django.po")
    )
    assert settings.LOCALE_PATHS[0] == settings.BASE_DIR / "locale" / "admin"
    settled = {(entry.msgctxt, entry.msgid) for entry in admin}
    library = {
        entry.msgid
        for directory in locale_dirs()
        if (directory / "en" / "LC_MESSAGES" / "django.po").exists()
        for entry in polib.pofile(str(directory / "en" / "LC_MESSAGES" / "django.po"))
    }
    unsettled = [
        entry.msgid
        for entry in project
        if entry.msgctxt is None and entry.msgid in library and (None, entry.msgid) not in settled
    ]
    assert not unsettled


@pytest.mark.parametrize("text", sorted(HARD_CODED_IN_WAGTAIL))
def test_hard_coded_english_is_still_wagtails(text):
    template, snippet = HARD_CODED_IN_WAGTAIL[text]
    assert snippet in (WAGTAIL_TEMPLATES / template).read_text()


def test_the_english_detector_finds_what_it_must():
    """The check itself: plain, filled-in, attribute and JSON English is found;
    Vietnamese, names and numbers are not."""
    html = """<body>
      <h1>Sign in to Wagtail</h1>
      <p>Page 2 of 7</p>
      <time>Just now</time>
      <input placeholder="Search all pages…">
      <script type="application/json">{"items": [{"label": "Snippets"}]}</script>
      <p>Đăng nhập trang quản trị</p><p>Wagtail</p><p>2026</p><p>Trần Quốc Toản</p>
    </body>"""
    assert english_left(html) == {
        "Sign in to Wagtail": "Sign in to Wagtail",
        "Page 2 of 7": "Page %(page_num)s of %(total_pages)s",
        "Just now": "just now",
        "Search all pages…": "Search all pages…",
        "Snippets": "Snippets",
    }


def test_history_says_when_in_vietnamese(section, reporter):
    """History's relative dates: "Just now" (Wagtail's "just now", capitalised by its
    template) and the minutes, hours and days Django's `timesince` writes, which
    Django's own `vi` catalogue leaves in English."""
    article = publish_article(section, "Tin vừa sửa", live=False)
    article.save_revision(user=reporter, log_action=True)
    client = client_for(reporter)
    history = reverse("wagtailadmin_pages:history", args=(article.pk,))
    response = client.get(history)
    assert_vietnamese(response, "history just after saving")
    assert "Vừa xong" in response.content.decode()

    entry = PageLogEntry.objects.filter(page=article).latest("timestamp")
    for age, shown in [
        (timedelta(minutes=5), "5\xa0phút trước"),
        (timedelta(hours=2, minutes=5), "2\xa0giờ trước"),
        (timedelta(days=3, hours=1), "3\xa0ngày trước"),
    ]:
        PageLogEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now() - age)
        response = client.get(history)
        assert_vietnamese(response, f"history {age} after saving")
        assert shown in response.content.decode(), age
