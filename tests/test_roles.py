"""The newsroom's roles hold, tried as the role itself through the admin's own views.

Every request is a real GET or POST of an admin URL with CSRF checks on; the token is
read from the page the admin serves, as a browser would.
"""

import importlib
from datetime import timedelta
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site, Workflow, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from news.models import ArticlePage, Author, NewsIndexPage
from tests.newsroom import (
    EDITORS,
    MODERATORS,
    add_events_section,
    make_image,
    make_user,
    publish_article,
)

pytestmark = pytest.mark.embedded

Image = get_image_model()
Document = get_document_model()
ADMIN_HOME = "/admin/"


# --- a browser-like admin session ---------------------------------------------------


class AdminSession:
    """One user's admin session with CSRF enforced, as a browser has it."""

    def __init__(self, user):
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)

    def get(self, url):
        return self.client.get(url)

    def token(self, url):
        """The CSRF token of the form at `url`, or of the dashboard if `url` is refused."""
        response = self.client.get(url)
        if response.status_code != 200:
            response = self.client.get(ADMIN_HOME)
        field = BeautifulSoup(response.content, "html.parser").find(
            "input", {"name": "csrfmiddlewaretoken"}
        )
        return field["value"] if field else self.client.cookies["csrftoken"].value

    def post(self, url, data=None, *, form_url=None):
        data = dict(data or {})
        data["csrfmiddlewaretoken"] = self.token(form_url or url)
        response = self.client.post(url, data)
        # A refusal must come from the roles, never from a missing token.
        assert b"CSRF verification failed" not in response.content, url
        return response


def refused(response):
    """Wagtail answers a refused admin action with 403 or a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == ADMIN_HOME
    )


@pytest.fixture
def reporter(db, django_user_model):
    return make_user(django_user_model, "phongvien", EDITORS)


@pytest.fixture
def colleague(db, django_user_model):
    return make_user(django_user_model, "dongnghiep", EDITORS)


@pytest.fixture
def moderator(db, django_user_model):
    return make_user(django_user_model, "thuky", MODERATORS)


@pytest.fixture
def administrator(db, django_user_model):
    return make_user(django_user_model, "quantri", is_superuser=True, is_staff=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg(color):
    buffer = BytesIO()
    PILImage.new("RGB", (800, 600), color).save(buffer, "JPEG")
    return SimpleUploadedFile("thay-the.jpg", buffer.getvalue(), content_type="image/jpeg")


def owned_image(owner, title="Ảnh hội nghị"):
    image = make_image(title)
    image.uploaded_by_user = owner
    image.save()
    return image


def owned_document(owner, title="Quyết định khen thưởng"):
    return Document.objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4 noi dung goc", name="quyet-dinh.pdf"),
        uploaded_by_user=owner,
    )


def with_photo(section, title, image, **fields):
    return publish_article(
        section,
        title,
        body=[("captioned_image", {"image": image, "caption": "Chú thích", "alt_text": "Ảnh"})],
        **fields,
    )


def with_attachment(section, title, document, **fields):
    return publish_article(
        section, title, body=[("attachment", {"document": document, "title": ""})], **fields
    )


# --- photos and attachments of published articles ---------------------------------


def image_form(image, upload=None):
    data = {
        "title": "Ảnh đã bị thay",
        "collection": str(Collection.get_first_root_node().pk),
        "tags": "",
        "description": "",
    }
    if upload is not None:
        data["file"] = upload
    return data


@pytest.mark.parametrize("owner_is_reporter", [False, True], ids=["colleague's", "own"])
def test_reporter_cannot_replace_or_delete_a_photo_a_live_article_shows(
    section, reporter, colleague, owner_is_reporter
):
    image = owned_image(reporter if owner_is_reporter else colleague)
    with_photo(section, "Bài có ảnh", image)
    original = image.file.name
    admin = AdminSession(reporter)

    edit = reverse("wagtailimages:edit", args=(image.pk,))
    assert refused(admin.get(edit))
    assert refused(admin.post(edit, image_form(image, jpeg((200, 0, 0)))))
    delete = reverse("wagtailimages:delete", args=(image.pk,))
    assert refused(admin.get(delete))
    assert refused(admin.post(delete))
    admin.post(
        reverse("wagtail_bulk_action", args=("wagtailimages", "image", "delete"))
        + f"?id={image.pk}"
    )

    image.refresh_from_db()
    assert image.title == "Ảnh hội nghị"
    assert image.file.name == original
    assert image.file.storage.exists(original)
    # Nor does the library offer it for editing.
    listing = admin.get(reverse("wagtailimages:index")).content.decode()
    assert edit not in listing


def test_reporter_edits_own_photo_until_a_live_page_uses_it(section, reporter):
    image = owned_image(reporter)
    draft = with_photo(section, "Bản nháp có ảnh", image, live=False)
    admin = AdminSession(reporter)
    edit = reverse("wagtailimages:edit", args=(image.pk,))
    assert edit in admin.get(reverse("wagtailimages:index")).content.decode()
    assert admin.get(edit).status_code == 200
    response = admin.post(edit, image_form(image))
    assert response.status_code == 302 and not refused(response)
    image.refresh_from_db()
    assert image.title == "Ảnh đã bị thay"

    draft.save_revision().publish()
    assert refused(admin.get(edit))


def test_moderator_replaces_a_photo_a_live_article_shows(section, colleague, moderator):
    image = owned_image(colleague)
    with_photo(section, "Bài có ảnh", image)
    admin = AdminSession(moderator)
    edit = reverse("wagtailimages:edit", args=(image.pk,))
    assert admin.get(edit).status_code == 200
    response = admin.post(edit, image_form(image, jpeg((0, 200, 0))))
    assert response.status_code == 302 and not refused(response)
    image.refresh_from_db()
    assert image.title == "Ảnh đã bị thay"


def test_an_authors_photo_is_in_use_too(reporter):
    image = owned_image(reporter)
    Author.objects.create(name="Minh Anh", photo=image)
    admin = AdminSession(reporter)
    delete = reverse("wagtailimages:delete", args=(image.pk,))
    assert refused(admin.post(delete))
    assert Image.objects.filter(pk=image.pk).exists()


@pytest.mark.parametrize("owner_is_reporter", [False, True], ids=["colleague's", "own"])
def test_reporter_cannot_replace_or_delete_an_attachment_of_a_live_article(
    section, reporter, colleague, owner_is_reporter
):
    document = owned_document(reporter if owner_is_reporter else colleague)
    with_attachment(section, "Bài có văn bản", document)
    original = document.file.name
    admin = AdminSession(reporter)

    edit = reverse("wagtaildocs:edit", args=(document.pk,))
    assert refused(admin.get(edit))
    upload = SimpleUploadedFile("gia-mao.pdf", b"%PDF-1.4 gia mao", "application/pdf")
    data = {"title": "Văn bản giả", "collection": str(Collection.get_first_root_node().pk)}
    assert refused(admin.post(edit, {**data, "file": upload}))
    delete = reverse("wagtaildocs:delete", args=(document.pk,))
    assert refused(admin.get(delete))
    assert refused(admin.post(delete))
    admin.post(
        reverse("wagtail_bulk_action", args=("wagtaildocs", "document", "delete"))
        + f"?id={document.pk}"
    )

    document.refresh_from_db()
    assert document.title == "Quyết định khen thưởng"
    assert document.file.name == original
    assert document.file.storage.exists(original)


def test_reporter_still_uploads_and_chooses_files(section, reporter, colleague):
    theirs = owned_image(colleague, "Ảnh của đồng nghiệp")
    with_photo(section, "Bài có ảnh", theirs)
    admin = AdminSession(reporter)
    add = reverse("wagtailimages:add")
    response = admin.post(
        add,
        {
            "title": "Ảnh mới",
            "file": jpeg((10, 20, 30)),
            "collection": str(Collection.get_first_root_node().pk),
            "tags": "",
            "description": "",
        },
    )
    assert response.status_code == 302
    assert Image.objects.filter(title="Ảnh mới", uploaded_by_user=reporter).exists()
    chooser = admin.get(reverse("wagtailimages_chooser:choose"))
    assert chooser.status_code == 200
    assert "Ảnh của đồng nghiệp" in chooser.json()["html"]


# --- deleting pages ------------------------------------------------------------------


def draft(section, title, owner):
    page = publish_article(section, title, live=False, owner=owner)
    return page


def submit(page, user):
    page.save_revision(user=user)
    Workflow.objects.get(name="Duyệt tin bài").start(page, user)
    return page


def approve_scheduled(page, user, moderator):
    page.go_live_at = timezone.now() + timedelta(days=2)
    page.save_revision(user=user)
    workflow_state = Workflow.objects.get(name="Duyệt tin bài").start(page, user)
    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")
    page.refresh_from_db()
    assert page.approved_schedule and not page.live
    return page


def try_delete(admin, page):
    url = reverse("wagtailadmin_pages:delete", args=(page.pk,))
    return admin.get(url), admin.post(url)


def test_reporter_cannot_delete_colleagues_pages(section, reporter, colleague, moderator):
    plain = draft(section, "Bản nháp của đồng nghiệp", colleague)
    in_review = submit(draft(section, "Bài đang chờ duyệt", colleague), colleague)
    scheduled = approve_scheduled(
        draft(section, "Bài đã duyệt, hẹn giờ", colleague), colleague, moderator
    )
    admin = AdminSession(reporter)
    for page in (plain, in_review, scheduled):
        shown, deleted = try_delete(admin, page)
        assert refused(shown) and refused(deleted), page.title
        assert Page.objects.filter(pk=page.pk).exists(), page.title

    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    query = "?" + "&".join(f"id={p.pk}" for p in (plain, in_review, scheduled))
    admin.post(bulk + query)
    assert Page.objects.filter(pk__in=[plain.pk, in_review.pk, scheduled.pk]).count() == 3

    # The explorer offers no delete for them.
    listing = admin.get(reverse("wagtailadmin_explore", args=(section.pk,))).content.decode()
    for page in (plain, in_review, scheduled):
        assert reverse("wagtailadmin_pages:delete", args=(page.pk,)) not in listing


def test_reporter_deletes_own_draft_but_not_once_submitted(section, reporter):
    own = draft(section, "Bản nháp của tôi", reporter)
    submitted = submit(draft(section, "Bài tôi đã gửi duyệt", reporter), reporter)
    admin = AdminSession(reporter)
    listing = admin.get(reverse("wagtailadmin_explore", args=(section.pk,))).content.decode()
    assert reverse("wagtailadmin_pages:delete", args=(own.pk,)) in listing
    assert reverse("wagtailadmin_pages:delete", args=(submitted.pk,)) not in listing

    shown, deleted = try_delete(admin, submitted)
    assert refused(shown) and refused(deleted)
    assert Page.objects.filter(pk=submitted.pk).exists()

    shown, deleted = try_delete(admin, own)
    assert shown.status_code == 200
    assert deleted.status_code == 302 and not refused(deleted)
    assert not Page.objects.filter(pk=own.pk).exists()


def test_nobody_deletes_a_page_locked_by_a_colleague(section, reporter, moderator, colleague):
    page = draft(section, "Bài bị khóa", reporter)
    page.locked, page.locked_by, page.locked_at = True, colleague, timezone.now()
    page.save()
    for user in (reporter, moderator):
        shown, deleted = try_delete(AdminSession(user), page)
        assert refused(shown) and refused(deleted), user.username
    assert Page.objects.filter(pk=page.pk).exists()


def test_moderator_cannot_delete_the_site_or_a_section(home, section, moderator):
    article = publish_article(section, "Bài đã đăng")
    events = add_events_section(home)
    admin = AdminSession(moderator)
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    for page in (home, section, events):
        admin.post(f"{bulk}?id={page.pk}", {"confirm_site_name": "Cổng thông tin"})
        shown, deleted = try_delete(admin, page)
        assert refused(shown) and refused(deleted), page.title
    assert Page.objects.filter(pk__in=[home.pk, section.pk, events.pk, article.pk]).count() == 4

    # Articles they still delete, one by one or in bulk.
    other = publish_article(section, "Bài cũ")
    admin.post(f"{bulk}?id={article.pk}&id={other.pk}")
    assert not Page.objects.filter(pk__in=[article.pk, other.pk]).exists()


def test_administrator_deletes_a_section(section, administrator):
    admin = AdminSession(administrator)
    shown, deleted = try_delete(admin, section)
    assert shown.status_code == 200 and deleted.status_code == 302
    assert not NewsIndexPage.objects.filter(pk=section.pk).exists()


def test_every_page_type_uses_the_newsroom_rules(db):
    from django.apps import apps
    from django.contrib.auth.models import AnonymousUser

    from news.permissions import NewsroomPagePermissionTester

    page_types = [m for m in apps.get_models() if issubclass(m, Page) and m is not Page]
    assert page_types
    for model in page_types:
        tester = model(title="x").permissions_for_user(AnonymousUser())
        assert isinstance(tester, NewsroomPagePermissionTester), model


# --- authors ------------------------------------------------------------------------


def author_form(author, name):
    return {"name": name, "role": author.role, "photo": ""}


def test_reporter_cannot_rename_an_author_of_live_articles(section, reporter):
    author = Author.objects.create(name="Vũ Hưng", role="Phóng viên")
    article = publish_article(section, "Bài có tác giả")
    article.article_authors.create(author=author, sort_order=0)
    article.save_revision().publish()
    admin = AdminSession(reporter)
    edit = reverse("wagtailsnippets_news_author:edit", args=(author.pk,))
    assert refused(admin.get(edit))
    assert refused(admin.post(edit, author_form(author, "Tên giả mạo")))
    author.refresh_from_db()
    assert author.name == "Vũ Hưng"
    assert "Tên giả mạo" not in Client().get(article.url).content.decode()

    # Adding an author changes nothing a reader sees until an article is approved.
    add = reverse("wagtailsnippets_news_author:add")
    response = admin.post(add, {"name": "Tác giả mới", "role": "", "photo": ""})
    assert response.status_code == 302 and not refused(response)
    assert Author.objects.filter(name="Tác giả mới").exists()


def test_moderator_renames_an_author_and_history_keeps_it(section, moderator):
    author = Author.objects.create(name="Vũ Hưng", role="Phóng viên")
    admin = AdminSession(moderator)
    edit = reverse("wagtailsnippets_news_author:edit", args=(author.pk,))
    response = admin.post(edit, author_form(author, "Vũ Văn Hưng"))
    assert response.status_code == 302 and not refused(response)
    author.refresh_from_db()
    assert author.name == "Vũ Văn Hưng"
    history = admin.get(reverse("wagtailsnippets_news_author:history", args=(author.pk,)))
    assert moderator.username in history.content.decode()


# --- sections -----------------------------------------------------------------------


def test_demo_confines_a_reporter_to_one_section(db, django_user_model):
    call_command("load_demo", verbosity=0)
    # The demo's section groups are Yên Phong's (the district holding the seed report).
    yen_phong = Site.objects.get(hostname="yenphong.localhost").root_page
    politics = NewsIndexPage.objects.child_of(yen_phong).get(slug="chinh-tri")
    economy = NewsIndexPage.objects.child_of(yen_phong).get(slug="kinh-te-xa-hoi")
    group = Group.objects.get(name=f"{EDITORS} – {politics.title} (Yên Phong)")
    assert Group.objects.filter(name__startswith=f"{EDITORS} – ").count() == 4
    reporter = make_user(django_user_model, "phongvien-chinhtri")
    reporter.groups.add(group)
    admin = AdminSession(reporter)

    mine = ArticlePage.objects.child_of(politics).first()
    theirs = ArticlePage.objects.child_of(economy).first()
    assert admin.get(reverse("wagtailadmin_pages:edit", args=(mine.pk,))).status_code == 200
    edit = reverse("wagtailadmin_pages:edit", args=(theirs.pk,))
    assert refused(admin.get(edit))
    revisions = theirs.revisions.count()
    assert refused(admin.post(edit, {"title": "Sửa trái phép", "slug": theirs.slug}))
    assert theirs.revisions.count() == revisions
    add = reverse("wagtailadmin_pages:add", args=("news", "articlepage", economy.pk))
    assert refused(admin.get(add))
    home_edit = reverse("wagtailadmin_pages:edit", args=(politics.get_parent().pk,))
    assert refused(admin.get(home_edit))

    # A second run changes nothing.
    groups = Group.objects.count()
    call_command("load_demo", verbosity=0)
    assert Group.objects.count() == groups


# --- Wagtail's default groups and workflow ------------------------------------------


def test_wagtail_default_groups_and_workflow_are_gone(home):
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert home.get_workflow() == Workflow.objects.get(name="Duyệt tin bài")


def test_a_home_page_change_is_submitted_and_approved(home, reporter, moderator):
    admin = AdminSession(reporter)
    edit = reverse("wagtailadmin_pages:edit", args=(home.pk,))
    form = querydict_from_html(admin.get(edit).content.decode(), form_id="page-edit-form")
    form["intro"] = (
        '{"blocks":[{"key":"a","text":"Lời giới thiệu mới","type":"unstyled","depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'
    )
    form["action-submit"] = "1"
    form.pop("csrfmiddlewaretoken", None)
    assert admin.post(edit, form.dict()).status_code == 302
    state = WorkflowState.objects.get(object_id=str(home.pk), status="in_progress")

    moderation = AdminSession(moderator)
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(home.pk, "approve", state.current_task_state.pk),
    )
    moderation.post(approve, {"comment": ""}, form_url=edit)
    home.refresh_from_db()
    assert "Lời giới thiệu mới" in home.intro
    assert "Lời giới thiệu mới" in Client().get("/").content.decode()


def test_the_migration_folds_wagtail_groups_into_the_newsroom(db, django_user_model):
    from django.apps import apps

    migration = importlib.import_module("news.migrations.0004_newsroom_roles_hold")
    editor = make_user(django_user_model, "bientap-cu")
    moderator = make_user(django_user_model, "kiemduyet-cu")
    editor.groups.add(Group.objects.create(name="Editors"))
    moderator.groups.add(Group.objects.create(name="Moderators"))
    migration.hold(apps, None)
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
    assert list(moderator.groups.values_list("name", flat=True)) == [MODERATORS]
