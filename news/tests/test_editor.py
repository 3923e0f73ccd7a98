"""The page editor as a reporter meets it: an author is created from the article's
author chooser; a new article is not saved before the reporter saves it."""

import pytest
from django.test import Client
from django.urls import reverse

from news.models import ArticlePage, Author
from tests.english_left import english_left
from tests.newsroom import EDITORS, make_user

pytestmark = pytest.mark.embedded


@pytest.fixture
def reporter_client(db, django_user_model):
    client = Client()
    client.force_login(make_user(django_user_model, "phongvien", EDITORS))
    return client


def test_a_reporter_creates_an_author_from_the_chooser(reporter_client):
    chooser = reporter_client.get(reverse("wagtailsnippetchoosers_news_author:choose"))
    html = chooser.json()["html"]
    assert 'name="name"' in html and 'name="role"' in html
    assert english_left(html) == {}

    response = reporter_client.post(
        reverse("wagtailsnippetchoosers_news_author:create"),
        {"name": "Lê Thị Mai", "role": "Cộng tác viên"},
    )
    data = response.json()
    assert data["step"] == "chosen"
    author = Author.objects.get(name="Lê Thị Mai")
    assert author.role == "Cộng tác viên"
    assert str(data["result"]["id"]) == str(author.pk)


def test_an_author_without_a_name_is_refused_and_nothing_is_lost(reporter_client):
    response = reporter_client.post(
        reverse("wagtailsnippetchoosers_news_author:create"), {"name": "", "role": "Phóng viên"}
    )
    data = response.json()
    assert data["step"] == "reshow_creation_form"
    assert "Phóng viên" in data["htmlFragment"]
    assert "Trường này là bắt buộc." in data["htmlFragment"]
    assert not Author.objects.exists()


def test_the_add_article_form_does_not_autosave(reporter_client, section):
    response = reporter_client.get(
        reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk))
    )
    assert response.context["autosave_enabled"] is False
    edit = reporter_client.get(reverse("wagtailadmin_pages:edit", args=(section.pk,)))
    assert edit.context["autosave_enabled"] is True  # other views keep Wagtail's autosave


def test_the_title_is_a_textarea_that_keeps_one_line(reporter_client, section):
    from bs4 import BeautifulSoup
    from wagtail.test.utils.form_data import querydict_from_html

    add = reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk))
    html = reporter_client.get(add).content.decode()
    title = BeautifulSoup(html, "html.parser").find(id="id_title")
    assert title.name == "textarea"
    assert "w-sync" in title["data-controller"]  # the slug still follows it

    form = querydict_from_html(html, form_id="page-edit-form")
    form["title"] = "Huyện Yên Phong tổ chức Hội nghị tổng kết\r\ncông tác thi đua  năm 2026"
    form["slug"] = "hoi-nghi-tong-ket"
    form["body-count"] = "0"
    response = reporter_client.post(add, form)
    assert response.status_code == 302, response.context["form"].errors
    page = ArticlePage.objects.get(title__startswith="Huyện Yên Phong tổ chức")
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=(page.pk,))
    assert page.title == "Huyện Yên Phong tổ chức Hội nghị tổng kết công tác thi đua năm 2026"


def test_saving_unchanged_keeps_the_publish_date_and_compare_shows_no_change(
    reporter_client, section
):
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.test.utils.form_data import querydict_from_html

    from tests.newsroom import publish_article

    article = publish_article(section, "Tin có giờ đăng lẻ giây")
    stamped = timezone.now().replace(microsecond=123000) - timedelta(seconds=17)
    ArticlePage.objects.filter(pk=article.pk).update(published_at=stamped)
    article.refresh_from_db()
    article.save_revision()
    edit = reverse("wagtailadmin_pages:edit", args=(article.pk,))
    form = querydict_from_html(reporter_client.get(edit).content.decode(), form_id="page-edit-form")
    form["body-count"] = "0"
    assert reporter_client.post(edit, form).status_code == 302

    last, first = article.revisions.order_by("-pk")[:2]  # before and after the save
    assert last.as_object().published_at == stamped
    compare = reporter_client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=(article.pk, first.pk, last.pk))
    )
    from bs4 import BeautifulSoup

    changed = [
        " ".join(row.get_text(" ").split())[:200]
        for row in BeautifulSoup(compare.content, "html.parser").select("main tbody tr")
    ]
    assert "Hai phiên bản này không khác nhau" in compare.content.decode(), changed


@pytest.mark.parametrize(
    ("action", "data", "says"),
    [
        ("approve", {"comment": ""}, "Đã duyệt và xuất bản: 'Tin chờ duyệt'."),
        ("reject", {"comment": "Thiếu nguồn"}, "Đã yêu cầu sửa bài 'Tin chờ duyệt'."),
    ],
)
def test_the_moderator_is_told_what_the_review_did(django_user_model, section, action, data, says):
    from tests.newsroom import MODERATORS, publish_article

    reporter = make_user(django_user_model, "tacgia", EDITORS)
    moderator = Client()
    moderator.force_login(make_user(django_user_model, "thuky", MODERATORS))
    draft = publish_article(section, "Tin chờ duyệt", live=False)
    draft.save_revision(user=reporter)
    draft.get_workflow().start(draft, reporter)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(draft.pk, action, draft.current_workflow_task_state.pk),
    )
    response = moderator.post(url, data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.json()["step"] == "success"
    from bs4 import BeautifulSoup

    page = moderator.get(response.json()["redirect"])
    messages = BeautifulSoup(page.content, "html.parser").select_one(".messages")
    assert says in " ".join(messages.get_text(" ").split())
    draft.refresh_from_db()
    assert draft.live is (action == "approve")
