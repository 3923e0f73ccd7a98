"""The newsroom's roles and moderation workflow, driven through the Wagtail admin."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, Workflow, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from news.models import ArticlePage, EventIndexPage, NewsIndexPage
from tests.newsroom import EDITORS, MODERATORS, add_events_section, make_user, publish_article

pytestmark = pytest.mark.embedded


@pytest.fixture
def editor(db, django_user_model):
    return make_user(django_user_model, "bientapvien", EDITORS)


@pytest.fixture
def moderator(db, django_user_model):
    return make_user(django_user_model, "thuky", MODERATORS)


def form_data(response):
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # The body's StreamField is rendered by the admin's JavaScript; these pages have none.
    data.setdefault("body-count", "0")
    return data


def add_form(client, parent, model="articlepage"):
    url = reverse("wagtailadmin_pages:add", args=("news", model, parent.pk))
    return url, form_data(client.get(url))


def edit_form(client, page):
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    return url, form_data(client.get(url))


def test_groups_have_the_newsroom_roles(db):
    editors = Group.objects.get(name=EDITORS)
    moderators = Group.objects.get(name=MODERATORS)
    home = Page.objects.get(depth=2)

    def page_permissions(group):
        return set(
            group.page_permissions.filter(page=home).values_list("permission__codename", flat=True)
        )

    assert page_permissions(editors) == {"add_page", "change_page"}
    assert {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"} <= (
        page_permissions(moderators)
    )

    def collection_codenames(group):
        return set(group.collection_permissions.values_list("permission__codename", flat=True))

    for group in (editors, moderators):
        assert group.permissions.filter(codename="access_admin").exists()
        assert {"add_image", "choose_image", "add_document", "choose_document"} <= (
            collection_codenames(group)
        )
    # Replacing or deleting a file, or renaming an author, is the moderators' (tests/test_roles.py).
    assert not {"change_image", "change_document"} & collection_codenames(editors)
    assert {"change_image", "change_document"} <= collection_codenames(moderators)
    assert not editors.permissions.filter(codename="change_author").exists()
    assert moderators.permissions.filter(codename="change_author").exists()


def test_news_and_event_sections_use_the_newsroom_workflow(section, home):
    events = add_events_section(home)
    nested = section.add_child(instance=NewsIndexPage(title="Thể thao", slug="the-thao"))
    workflow = Workflow.objects.get(name="Duyệt tin bài")
    assert workflow.active
    task = workflow.tasks.get().specific
    assert [g.name for g in task.groups.all()] == [MODERATORS]
    for page in (section, events, nested):
        assert page.get_workflow() == workflow
    article = publish_article(section, "Bài có quy trình")
    assert article.get_workflow() == workflow
    assert isinstance(events, EventIndexPage)


def test_editor_cannot_publish_directly(client, section, editor):
    client.force_login(editor)
    url, data = add_form(client, section)
    data.update({"title": "Bài của biên tập viên", "slug": "bai-cua-btv", "action-publish": "1"})
    client.post(url, data)
    page = ArticlePage.objects.get(slug="bai-cua-btv")
    assert not page.live
    assert not page.permissions_for_user(editor).can_publish()

    # Publishing an existing draft from the edit view is refused too.
    url, data = edit_form(client, page)
    data["action-publish"] = "1"
    client.post(url, data)
    page.refresh_from_db()
    assert not page.live
    assert client.get(page.url).status_code == 404


def test_editor_submits_and_moderator_approves(client, section, editor, moderator):
    client.force_login(editor)
    url, data = add_form(client, section)
    data.update({"title": "Bài chờ duyệt", "slug": "bai-cho-duyet", "action-submit": "1"})
    response = client.post(url, data)
    assert response.status_code == 302
    page = ArticlePage.objects.get(slug="bai-cho-duyet")
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not page.live
    task_state = state.current_task_state

    # The editor is not in the approving group.
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)
    )
    client.post(approve_url, {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    client.force_login(moderator)
    response = client.post(approve_url, {"comment": "Đồng ý đăng."})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert page.live
    assert client.get(page.url).status_code == 200


def test_moderator_publishes_unpublishes_and_locks(client, section, editor, moderator):
    page = publish_article(section, "Bài đã đăng")
    client.force_login(moderator)
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live

    url, data = edit_form(client, page)
    data["action-publish"] = "1"
    client.post(url, data)
    page.refresh_from_db()
    assert page.live

    client.post(reverse("wagtailadmin_pages:lock", args=(page.pk,)))
    page.refresh_from_db()
    assert page.locked and page.locked_by == moderator

    # A locked page cannot be changed by an editor.
    client.force_login(editor)
    url, data = edit_form(client, page)
    data["title"] = "Biên tập viên sửa trang bị khóa"
    client.post(url, data)
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().title == "Bài đã đăng"


def test_revisions_can_be_compared_and_reverted(client, section, moderator):
    page = publish_article(section, "Tiêu đề ban đầu")
    first = page.get_latest_revision()
    page.title = "Tiêu đề sửa lại"
    page.save_revision().publish()
    client.force_login(moderator)

    compare = reverse("wagtailadmin_pages:revisions_compare", args=(page.pk, first.pk, "live"))
    response = client.get(compare)
    assert response.status_code == 200
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "ban đầu" in text and "sửa lại" in text

    revert = reverse("wagtailadmin_pages:revisions_revert", args=(page.pk, first.pk))
    data = form_data(client.get(revert))
    # The title is a textarea: the scraped text keeps the line break after the opening
    # tag that a browser drops.
    assert data["title"].strip() == "Tiêu đề ban đầu"
    data["action-publish"] = "1"
    client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)
    page.refresh_from_db()
    assert page.title == "Tiêu đề ban đầu"


def test_admin_speaks_vietnamese(client, editor):
    # Wagtail's Vietnamese catalogue is partial; what it translates is shown translated.
    login = client.get("/admin/login/").content.decode()
    assert 'lang="vi"' in login
    assert "Tên đăng nhập" in login
    client.force_login(editor)
    assert 'lang="vi"' in client.get("/admin/").content.decode()
