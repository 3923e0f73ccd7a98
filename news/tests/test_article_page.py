"""What a citizen sees on an article, starting with the imported conference report."""

import re

import pytest
from bs4 import BeautifulSoup

from news.models import ArticleAuthor, ArticlePage, Author

pytestmark = pytest.mark.embedded

CAPTIONS = [
    "Đ/c Nguyễn Văn Phong, Phó chủ tịch UBND tỉnh, Chủ tịch Hội đồng Thi đua - Khen thưởng "
    "tỉnh phát biểu tại hội nghị.",
    "Các thành viên ký kết giao ước thi đua.",
]


def get_soup(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_imported_fixture_renders_like_the_provincial_portal(client, imported_article):
    soup = get_soup(client, imported_article)
    article = soup.find("article")

    assert soup.html["lang"] == "vi"
    assert article.find("h1").get_text(strip=True) == (
        "Cụm thi đua các huyện, thị xã, thành phố tổ chức Hội nghị Ký kết giao ước thi đua năm 2020"
    )
    time = article.find("time")
    assert time.get_text() == "13/03/2020 08:12"
    assert time["datetime"] == "2020-03-13T08:12:00+07:00"
    assert "Số lượt xem: 161" in article.get_text(" ", strip=True).replace(" :", ":")

    figures = article.find_all("figure")
    assert [f.figcaption.get_text(" ", strip=True) for f in figures] == CAPTIONS
    for figure in figures:
        # The photo comes first and its caption directly under it.
        assert [child.name for child in figure.find_all(recursive=False)] == [
            "picture",
            "figcaption",
        ]
        # WebP first, with a JPEG fallback, in several widths.
        source, img = figure.picture.find("source"), figure.picture.find("img")
        assert source["type"] == "image/webp" and source["srcset"].count(".webp") == 3
        assert img["src"].endswith(".jpg") and img["srcset"].count(".jpg") == 3
        assert img["alt"] == figure.figcaption.get_text(strip=True)

    assert "Vũ Hưng" in article.find(class_="byline").get_text()
    assert "Thống kê truy cập" not in article.get_text()
    assert "Trực tuyến" not in article.get_text()
    # The captions are captions, not body paragraphs as well.
    paragraphs = [p.get_text(strip=True) for p in article.select(".article__body p")]
    assert CAPTIONS[1] not in paragraphs
    assert article.find(class_="article__lead").get_text().startswith("Chiều 11/3")


def test_byline_comes_after_the_body(client, imported_article):
    html = client.get(imported_article.url).content.decode()
    assert html.index("Các thành viên ký kết giao ước thi đua.") < html.index('class="byline"')


def test_editor_written_article_shows_every_part(client, section, django_user_model):
    author = Author.objects.create(name="Nguyễn Thị Hoa", role="Phòng Nội vụ")
    page = ArticlePage(
        title="Khánh thành cầu Đông Xuyên",
        kicker="Giao thông",
        lead="Cây cầu nối hai xã sau 20 năm chờ đợi.",
        body=[{"type": "paragraph", "value": "<p>Nội dung <b>bài viết</b>.</p>"}],
    )
    section.add_child(instance=page)
    ArticleAuthor.objects.create(page=page, author=author, sort_order=0)
    page.tags.add("Giao thông")
    page.save_revision().publish()
    page.refresh_from_db()

    soup = get_soup(client, page)
    assert soup.find(class_="kicker").get_text() == "Giao thông"
    assert soup.find(class_="byline").get_text(" ", strip=True) == "Nguyễn Thị Hoa - Phòng Nội vụ"
    assert soup.select_one(".tags li").get_text() == "Giao thông"
    assert page.published_at is not None
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", soup.select_one("article time").get_text())


def test_user_text_is_escaped(client, section):
    payload = '<script>alert("x")</script>'
    page = ArticlePage(title=f"Tiêu đề {payload}", lead=payload, slug="xss")
    section.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert payload not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_draft_is_not_public(client, section):
    page = ArticlePage(title="Bản nháp", slug="ban-nhap", live=False)
    section.add_child(instance=page)
    page.save_revision()
    assert client.get("/tin-tuc/ban-nhap/").status_code == 404
    assert "Bản nháp" not in client.get(section.url).content.decode()


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/pages/").status_code == 302


def test_admin_rejects_non_staff(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x")
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)


def test_editor_can_create_and_publish_in_admin(admin_client, section):
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    author = Author.objects.create(name="Vũ Hưng")
    data = nested_form_data(
        {
            "title": "Bài từ trang quản trị",
            "slug": "bai-tu-quan-tri",
            "kicker": "",
            "lead": "Sapo của bài.",
            "lead_image_caption": "",
            "body": streamfield([("paragraph", rich_text("<p>Thân bài.</p>"))]),
            "article_authors": inline_formset([{"author": author.pk}]),
            "related_links": inline_formset([]),
            "tags": "Hội nghị",
            "initial_view_count": 0,
            "action-publish": "publish",
        }
    )
    response = admin_client.post(f"/admin/pages/add/news/articlepage/{section.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ArticlePage.objects.get(slug="bai-tu-quan-tri")
    assert page.live
    assert [a.name for a in page.authors] == ["Vũ Hưng"]
    assert "Thân bài." in get_soup(admin_client, page).get_text()
