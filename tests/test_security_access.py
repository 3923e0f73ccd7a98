"""What an anonymous reader cannot reach: admin, previews, drafts, private pages and
their documents; unpublished pages are absent from every public list."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from tests.newsroom import EDITORS, make_user, publish_article

pytestmark = pytest.mark.embedded


def document(title="Quyết định"):
    return Document.objects.create(title=title, file=ContentFile(b"%PDF-1.4 noi dung", "qd.pdf"))


def with_attachment(section, title, doc, **kwargs):
    return publish_article(
        section, title, body=[("attachment", {"document": doc, "title": ""})], **kwargs
    )


def assert_login_required(response):
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_anonymous_cannot_reach_the_admin_or_previews(client, section):
    page = publish_article(section, "Bài viết", live=False)
    urls = [
        "/admin/",
        "/admin/pages/",
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        reverse("wagtailadmin_pages:view_draft", args=(page.pk,)),
        reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,)),
        reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk)),
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
        "/django-admin/",
    ]
    for url in urls:
        assert_login_required(client.get(url))


def test_readers_without_admin_access_cannot_preview(client, section, django_user_model):
    page = publish_article(section, "Bài viết", live=False)
    reader = django_user_model.objects.create_user("docgia", password="x")
    client.force_login(reader)
    for url in (
        reverse("wagtailadmin_pages:view_draft", args=(page.pk,)),
        reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,)),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "Bài viết" not in response.content.decode()


def test_drafts_and_unpublished_pages_are_404_and_absent(client, section, home):
    publish_article(section, "Tin công khai")
    draft = publish_article(section, "Bản nháp bí mật", live=False)
    gone = publish_article(section, "Tin đã gỡ xuống")
    gone.unpublish()
    for page in (draft, gone):
        assert client.get(page.url or f"/tin-tuc/{page.slug}/").status_code == 404
    pages = [
        home.url,
        section.url,
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/rss/tin-tuc/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/api/v2/articles/",
        "/search/?q=tin",
        "/search/?q=tin&format=json",
    ]
    for url in pages:
        text = client.get(url).content.decode("utf-8")
        text = text.encode().decode("unicode_escape") if url.endswith("json") else text
        assert "bí mật" not in text and "gỡ xuống" not in text, url
    assert "Tin công khai" in client.get(section.url).content.decode()


def test_private_pages_need_their_login_or_password(client, section):
    login_only = publish_article(section, "Tin dành cho cán bộ")
    PageViewRestriction.objects.create(page=login_only, restriction_type="login")
    with_password = publish_article(section, "Tin có mật khẩu")
    PageViewRestriction.objects.create(
        page=with_password, restriction_type="password", password="mat-khau-bi-mat"
    )
    assert_login_required(client.get(login_only.url))
    response = client.get(with_password.url)
    assert "Tin có mật khẩu" not in response.content.decode()
    for url in ("/feeds/rss/", "/sitemap.xml", "/api/v2/articles/", section.url):
        text = client.get(url).content.decode()
        assert "cán bộ" not in text and "mật khẩu" not in text, url


def test_documents_of_private_and_unpublished_pages(client, section, django_user_model):
    public_doc, private_doc, draft_doc = document("Công khai"), document("Nội bộ"), document("Nháp")
    with_attachment(section, "Tin công khai", public_doc)
    private = with_attachment(section, "Tin nội bộ", private_doc)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    with_attachment(section, "Bản nháp", draft_doc, live=False)

    assert client.get(public_doc.url).status_code == 200
    assert client.get(private_doc.url).status_code == 404
    assert client.get(draft_doc.url).status_code == 404

    # A signed-in reader passes the login restriction, so its document opens too.
    reader = django_user_model.objects.create_user("docgia", password="x")
    client.force_login(reader)
    assert client.get(private_doc.url).status_code == 200
    assert client.get(draft_doc.url).status_code == 404
    # Newsroom staff can open every document.
    client.force_login(make_user(django_user_model, "bientapvien", EDITORS))
    assert client.get(draft_doc.url).status_code == 200


def test_documents_in_a_private_collection(client, db):
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Nội bộ")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    doc = Document.objects.create(
        title="Tài liệu mật", collection=private, file=ContentFile(b"secret", "mat.txt")
    )
    assert_login_required(client.get(doc.url))
