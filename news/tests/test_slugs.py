"""New pages get ASCII slugs from their Vietnamese titles, đ written as d, like the demo
content (news.text.ascii_slug); the admin's script does the same (tests/test_editor_browser.py)."""

import pytest
from django.conf import settings

from news.models import ArticlePage, NewsIndexPage

pytestmark = pytest.mark.embedded


def test_a_page_saved_without_slug_gets_an_ascii_one(section):
    article = ArticlePage(title="Huyện Yên Phong đón Đoàn công tác của Bộ Nội vụ")
    section.add_child(instance=article)
    assert article.slug == "huyen-yen-phong-don-doan-cong-tac-cua-bo-noi-vu"
    assert article.url.endswith("/huyen-yen-phong-don-doan-cong-tac-cua-bo-noi-vu/")


def test_a_second_page_with_the_same_title_gets_a_number(section):
    for _ in range(2):
        section.add_child(instance=ArticlePage(title="Đại hội thi đua yêu nước"))
    slugs = sorted(ArticlePage.objects.child_of(section).values_list("slug", flat=True))
    assert slugs == ["dai-hoi-thi-dua-yeu-nuoc", "dai-hoi-thi-dua-yeu-nuoc-2"]


def test_sections_too(home):
    section = home.add_child(instance=NewsIndexPage(title="Kinh tế - Đô thị"))
    assert section.slug == "kinh-te-do-thi"


def test_a_slug_the_editor_typed_is_kept(section):
    article = ArticlePage(title="Tin ngắn", slug="tin-ngan-rieng")
    section.add_child(instance=article)
    assert article.slug == "tin-ngan-rieng"


def test_wagtail_is_told_slugs_are_ascii():
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False
