"""A block or rich-text link whose target is gone renders nothing or plain text, never a
500: on the page, its draft view, its preview and the API."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.test.utils.form_data import rich_text

from tests.newsroom import fresh_cache, make_image, publish_article  # noqa: F401
from tests.test_rich_text_entities import edit_form

pytestmark = [pytest.mark.embedded, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x"))
    return client


def make_document(title="Quyết định số 12"):
    return Document.objects.create(title=title, file=ContentFile(b"%PDF-1.4", name="qd.pdf"))


def views(client, page):
    """Every way the page is shown: the page, the admin's draft view and preview, the API."""
    page_url = page.get_url()
    return {
        "page": client.get(page_url),
        "draft": client.get(f"/admin/pages/{page.pk}/view_draft/"),
        "api": client.get(f"/api/v2/articles/{page.pk}/"),
    }


@pytest.fixture
def article_with_targets(section):
    document, image, linked = make_document(), make_image("Ảnh hội nghị"), make_document("Phụ lục")
    other = publish_article(section, "Bài được dẫn")
    page = publish_article(
        section,
        "Bài có tài liệu đính kèm",
        body=[
            ("paragraph", "<p>Mở đầu.</p>"),
            ("attachment", {"document": document, "title": ""}),
            (
                "captioned_image",
                {"image": image, "caption": "Toàn cảnh.", "alt_text": "Hội trường"},
            ),
            (
                "paragraph",
                f'<p>Xem <a linktype="document" id="{linked.pk}">phụ lục</a> và '
                f'<a linktype="page" id="{other.pk}">bài trước</a>.</p>',
            ),
        ],
        lead_image=None,
    )
    return page, document, image, linked, other


def test_article_still_renders_after_its_targets_are_deleted(admin_client, article_with_targets):
    page, document, image, linked, other = article_with_targets
    before = views(admin_client, page)
    assert {name: r.status_code for name, r in before.items()} == dict.fromkeys(before, 200)
    assert "Quyết định số 12" in before["page"].content.decode()

    for target in (document, image, linked, other):
        target.delete()

    after = views(admin_client, page)
    assert {name: r.status_code for name, r in after.items()} == dict.fromkeys(after, 200)
    html = after["page"].content.decode()
    assert "Mở đầu." in html and "Toàn cảnh." in html
    assert "Quyết định số 12" not in html  # the attachment is gone with its document
    assert "phụ lục" in html and "bài trước" in html  # the link text stays, as text
    body = {block["type"]: block["value"] for block in after["api"].json()["body"]}
    assert body["attachment"] is None or body["attachment"].get("url") is None
    assert body["captioned_image"]["image"] is None


def test_preview_with_a_deleted_document_leaves_the_attachment_out(
    admin_client, article_with_targets
):
    page, document, *_ = article_with_targets
    preview_url = f"/admin/pages/{page.pk}/edit/preview/"
    attachment = ("attachment", {"document": document.pk, "title": "Quyết định kèm theo"})
    form = edit_form(page, rich_text("<p>Mở đầu.</p>"), blocks=[attachment])
    assert admin_client.post(preview_url, form).json()["is_valid"] is True
    shown = admin_client.get(preview_url)
    assert shown.status_code == 200
    assert "Quyết định kèm theo" in shown.content.decode()

    document.delete()
    # The editor's open form still names the deleted document: the preview (required
    # fields are not enforced there) shows the article without the attachment.
    assert admin_client.post(preview_url, form).status_code == 200
    shown = admin_client.get(preview_url)
    assert shown.status_code == 200
    assert "Mở đầu." in shown.content.decode()
    assert "Quyết định kèm theo" not in shown.content.decode()
    assert admin_client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200


def test_an_embed_that_cannot_be_fetched_renders_nothing(client, section):
    # No embed finder answers in the tests, as when a video was taken down.
    page = publish_article(
        section,
        "Bài có video",
        body=[("paragraph", "<p>Mở đầu.</p>"), ("embed", "https://video.example/da-go")],
    )
    response = client.get(page.get_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mở đầu." in html and 'class="embed"' not in html
    api = client.get(f"/api/v2/articles/{page.pk}/").json()
    assert api["body"][1] == {
        "type": "embed",
        "id": api["body"][1]["id"],
        "value": {"url": "https://video.example/da-go"},
    }
