"""Page routing (core/routing.py): the page and its ancestors in one query, the same
answers as Wagtail's tree walk for every kind of URL."""

from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from core import routing
from news.models import EventIndexPage, NewsIndexPage
from tests.newsroom import publish_article, publish_event

pytestmark = pytest.mark.embedded


def page_queries(client, url):
    """(response, number of queries that read wagtailcore_page)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    tree = [q for q in ctx.captured_queries if 'FROM "wagtailcore_page"' in q["sql"]]
    return response, len(tree)


def test_an_article_is_routed_without_walking_the_tree(client, section):
    article = publish_article(section, "Hội nghị ký kết giao ước thi đua")
    client.get(article.url)  # warm the per-process caches (site root paths)
    response, tree_queries = page_queries(client, article.url)
    assert response.status_code == 200
    assert "Hội nghị ký kết giao ước thi đua" in response.content.decode()
    # One query for the page and its ancestors; Wagtail's walk takes one per segment
    # and another for the ancestors' view restrictions.
    assert tree_queries == 1
    assert response.context["page"].get_parent().pk == section.pk


def test_the_fast_route_and_wagtail_agree(rf, section, home):
    article = publish_article(section, "Tin tức")  # a Unicode slug: "tin-tức"
    for url in (section.url, article.url):
        path = unquote(url).lstrip("/")
        fast = routing.fast_route(rf.get(url, HTTP_HOST="localhost"), path)
        wagtail = Page.route_for_request(rf.get(url, HTTP_HOST="localhost"), path)
        assert fast is not None, url
        assert (fast[0].pk, type(fast[0]), fast[1], fast[2]) == (
            wagtail[0].pk,
            type(wagtail[0]),
            wagtail[1],
            wagtail[2],
        )


def test_unpublished_and_unknown_pages_are_not_found(client, section):
    draft = publish_article(section, "Bản nháp chưa duyệt", live=False)
    assert client.get(draft.url).status_code == 404
    assert client.get(section.url + "khong-co-bai-nay/").status_code == 404
    assert client.get("/khong-co-muc-nay/bai-viet/").status_code == 404


def test_a_restriction_on_a_section_protects_its_articles(client, home, django_user_model):
    private = home.add_child(instance=NewsIndexPage(title="Nội bộ", slug="noi-bo"))
    private.save_revision().publish()
    article = publish_article(private, "Thông báo nội bộ")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    response = client.get(article.url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]

    client.force_login(django_user_model.objects.create_user("canbo", password="x"))
    assert "Thông báo nội bộ" in client.get(article.url).content.decode()


def test_routable_pages_and_their_sub_routes_still_route(client, home):
    events = home.add_child(instance=EventIndexPage(title="Sự kiện", slug="su-kien"))
    events.save_revision().publish()
    event = publish_event(events, "Lễ hội đền Phú Mẫn")
    assert "Lễ hội đền Phú Mẫn" in client.get(event.url).content.decode()
    assert client.get(event.url + "ical/")["Content-Type"].startswith("text/calendar")
    assert client.get(events.url + "ical/")["Content-Type"].startswith("text/calendar")


def test_an_alias_is_served_with_its_source_content(client, home, section):
    article = publish_article(section, "Bài gốc được dẫn lại")
    other = home.add_child(instance=NewsIndexPage(title="Chuyên mục khác", slug="khac"))
    other.save_revision().publish()
    alias = article.create_alias(parent=other, update_slug="bai-dan-lai")
    response = client.get(alias.url)
    assert response.status_code == 200
    assert "Bài gốc được dẫn lại" in response.content.decode()


def test_the_site_lookup_is_remembered_until_a_site_changes(
    client, section, django_capture_on_commit_callbacks
):
    article = publish_article(section, "Tin tức trong tỉnh")

    def site_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(article.url).status_code == 200
        return sum('FROM "wagtailcore_site"' in q["sql"] for q in ctx.captured_queries)

    site_queries()
    assert site_queries() == 0
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Cổng thông tin điện tử huyện"
    with django_capture_on_commit_callbacks(execute=True):
        site.save()
    assert site_queries() >= 1  # ours, and Wagtail's site root paths, also cleared
    assert site_queries() == 0
