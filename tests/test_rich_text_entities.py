"""Rich-text entities crafted or broken: refused by the admin's edit view with a message,
rendered as plain text when already stored; never a 500."""

import html
import json

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from news.models import ArticlePage
from tests.newsroom import fresh_cache, publish_article  # noqa: F401

pytestmark = [pytest.mark.embedded, pytest.mark.usefixtures("fresh_cache")]


def contentstate(text, entity=None):
    """A Draftail paragraph, its whole text linked to the entity if one is given."""
    ranges = [{"offset": 0, "length": len(text), "key": 0}] if entity else []
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "k1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": ranges,
                    "data": {},
                }
            ],
            "entityMap": {"0": {"type": entity[0], "mutability": "MUTABLE", "data": entity[1]}}
            if entity
            else {},
        }
    )


def edit_form(page, *paragraphs, blocks=()):
    """The admin edit form of an article as the browser posts it."""
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "lead": page.lead,
            "kicker": "",
            "lead_image_caption": "",
            "initial_view_count": 0,
            "body": streamfield([*(("paragraph", value) for value in paragraphs), *blocks]),
            "article_authors": inline_formset([]),
            "related_links": inline_formset([]),
            "tags": "",
        }
    )


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", "q@x.vn", "x"))
    return client


@pytest.fixture
def article(section):
    return publish_article(section, "Bài có phụ lục", body=[("paragraph", "<p>Mở đầu.</p>")])


@pytest.fixture
def document():
    return Document.objects.create(title="Phụ lục", file=ContentFile(b"%PDF-1.4", name="pl.pdf"))


def shows(response, message):
    """The admin shows block errors from a JSON data attribute; the text may be escaped."""
    content = html.unescape(response.content.decode())
    return message in content or json.dumps(message)[1:-1] in content


def post_edit(client, page, *paragraphs):
    revisions = Revision.objects.count()
    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_form(page, *paragraphs))
    return response, Revision.objects.count() - revisions


def test_a_valid_document_link_is_saved(admin_client, article, document):
    value = contentstate("Xem phụ lục", ("DOCUMENT", {"id": document.pk}))
    response, new_revisions = post_edit(admin_client, article, value)
    assert response.status_code == 302
    assert new_revisions == 1
    saved = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert f'linktype="document" id="{document.pk}"' in saved.body[0].value.source


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "-3", "99999999999999999999999", ""])
def test_a_document_link_with_a_bad_id_is_refused(admin_client, article, bad_id):
    value = contentstate("Xem phụ lục", ("DOCUMENT", {"id": bad_id}))
    response, new_revisions = post_edit(admin_client, article, value)
    assert response.status_code == 200  # the form again, with the error
    assert new_revisions == 0
    assert shows(response, "trỏ tới id không hợp lệ")


def test_a_link_to_a_deleted_document_is_refused(admin_client, article, document):
    value = contentstate("Xem phụ lục", ("DOCUMENT", {"id": document.pk}))
    document.delete()
    response, new_revisions = post_edit(admin_client, article, value)
    assert response.status_code == 200
    assert new_revisions == 0
    assert shows(response, "trỏ tới nội dung không còn tồn tại")


@pytest.mark.parametrize(
    "raw",
    [
        "<p>Đoạn văn <b>dán</b> thẳng HTML.</p>",
        '{"blocks": "không phải danh sách"}',
        "[]",
        '{"blocks": [{"text": 5}]}',
    ],
)
def test_a_paragraph_not_in_the_editor_format_is_refused(admin_client, article, raw):
    response, new_revisions = post_edit(admin_client, article, raw)
    assert response.status_code == 200
    assert new_revisions == 0
    assert shows(response, "không đúng định dạng của trình soạn thảo")


def test_good_paragraphs_still_save(admin_client, article):
    response, new_revisions = post_edit(admin_client, article, rich_text("<p>Đoạn mới.</p>"))
    assert response.status_code == 302 and new_revisions == 1


def test_a_stored_bad_entity_renders_as_plain_text(admin_client, article):
    article.body = [
        (
            "paragraph",
            '<p>Xem <a linktype="document" id="abc">phụ lục</a>, '
            '<a linktype="page" id="%00">bài trước</a> và '
            '<embed embedtype="image" id="x" format="left" alt="ảnh"/>.</p>',
        )
    ]
    article.save_revision().publish()
    for response in (
        admin_client.get(article.get_url()),
        admin_client.get(f"/admin/pages/{article.pk}/view_draft/"),
    ):
        assert response.status_code == 200
        html = response.content.decode()
        assert "<a>phụ lục</a>" in html and "<a>bài trước</a>" in html
    api = admin_client.get(f"/api/v2/articles/{article.pk}/")
    assert api.status_code == 200
    assert "phụ lục" in json.dumps(api.json()["body"], ensure_ascii=False)
