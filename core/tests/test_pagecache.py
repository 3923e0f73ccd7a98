"""Anonymous page HTML is cached, invalidated by publishing, and never served to editors."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from news.models import ArticlePage, ArticleRelatedLink

pytestmark = pytest.mark.embedded


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def publish(section, title, **fields):
    page = ArticlePage(title=title, lead="Sapo.", published_at=timezone.now(), **fields)
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_second_anonymous_request_is_a_cache_hit_with_validators(client, section):
    first = client.get(section.url)
    second = client.get(section.url)
    assert first["X-Page-Cache"] == "MISS" and second["X-Page-Cache"] == "HIT"
    assert first.content == second.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]
    assert "Cookie" not in second.get("Vary", "")
    assert "Last-Modified" in second
    assert client.get(section.url, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_publishing_invalidates_the_page_and_its_listings(
    client, home, section, django_capture_on_commit_callbacks
):
    older = publish(section, "Bài cũ")
    for url in ("/", section.url, older.url):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "HIT"

    with django_capture_on_commit_callbacks(execute=True):
        publish(section, "Bài mới đăng")
    assert "Bài mới đăng" in client.get("/").content.decode()
    assert "Bài mới đăng" in client.get(section.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        older.title = "Bài cũ đã sửa"
        older.save_revision().publish()
    assert "Bài cũ đã sửa" in client.get(older.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        older.unpublish()
    assert client.get(older.url).status_code == 404
    assert "Bài cũ đã sửa" not in client.get(section.url).content.decode()


def test_related_articles_follow_an_edit(client, section, django_capture_on_commit_callbacks):
    target = publish(section, "Tin được liên kết")
    article = publish(section, "Tin chính")
    ArticleRelatedLink.objects.create(page=article, related=target, sort_order=0)
    assert "Tin được liên kết" in client.get(article.url).content.decode()
    assert client.get(article.url)["X-Page-Cache"] == "HIT"

    with django_capture_on_commit_callbacks(execute=True):
        target.title = "Tin liên kết mới"
        target.save_revision().publish()
    assert "Tin liên kết mới" in client.get(article.url).content.decode()


def test_moving_and_deleting_invalidate(client, home, section, django_capture_on_commit_callbacks):
    from news.models import NewsIndexPage

    other = home.add_child(instance=NewsIndexPage(title="Chính trị", slug="chinh-tri"))
    article = publish(section, "Tin chuyển mục")
    client.get(section.url)
    with django_capture_on_commit_callbacks(execute=True):
        article.move(other, pos="last-child")
    assert "Tin chuyển mục" not in client.get(section.url).content.decode()
    assert "Tin chuyển mục" in client.get(other.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=article.pk).delete()
    assert "Tin chuyển mục" not in client.get(other.url).content.decode()


def test_logged_in_editors_always_get_fresh_pages(client, admin_user, section):
    client.get(section.url)
    client.force_login(admin_user)
    response = client.get(section.url)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert b"wagtail-userbar" in response.content
    # And what an editor sees is never stored for readers.
    client.logout()
    assert b"wagtail-userbar" not in client.get(section.url).content


def test_a_renamed_session_cookie_is_still_an_editor(client, admin_user, section, settings):
    settings.SESSION_COOKIE_NAME = "portal_session"
    client.get(section.url)
    client.force_login(admin_user)
    response = client.get(section.url)
    assert "X-Page-Cache" not in response
    assert b"wagtail-userbar" in response.content


def test_session_cookie_bypasses_the_cache(client, section):
    client.get(section.url)
    client.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in client.get(section.url)


def test_errors_and_admin_are_not_cached(client, section):
    client.get("/khong-co-trang-nay/")
    assert "X-Page-Cache" not in client.get("/khong-co-trang-nay/")
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_an_entry_rendered_before_a_publish_is_never_served_after_it(client, section):
    from core import pagecache

    builds = []

    def build():
        builds.append(1)
        # A publish lands while this value is being built.
        pagecache.bump_generation()
        return len(builds)

    assert pagecache.cached_until_publish("probe", build, 60) == 1
    assert pagecache.cached_until_publish("probe", build, 60) == 2
    builds_before = len(builds)
    assert pagecache.cached_until_publish("probe", lambda: -1, 60) == -1
    assert pagecache.cached_until_publish("probe", lambda: -2, 60) == -1
    assert len(builds) == builds_before


# --- one cache, several portals ------------------------------------------------------


@pytest.fixture
def district(home):
    from news.portals import create_portal

    return create_portal("Tiên Du", "tiendu.bacninh.gov.vn")


def get(client, host, url="/"):
    return client.get(url, HTTP_HOST=host)


def test_publishing_on_one_portal_purges_only_that_portal(
    client, section, district, django_capture_on_commit_callbacks
):
    district_section = district.sections["tin-tuc-su-kien"]
    hosts = ("tiendu.bacninh.gov.vn", "localhost", "127.0.0.1")
    for host in hosts:
        get(client, host)
        assert get(client, host)["X-Page-Cache"] == "HIT"

    with django_capture_on_commit_callbacks(execute=True):
        publish(district_section, "Tin mới Tiên Du")
    district_home = get(client, "tiendu.bacninh.gov.vn")
    assert district_home["X-Page-Cache"] == "MISS"
    assert "Tin mới Tiên Du" in district_home.content.decode()
    for host in ("localhost", "127.0.0.1"):  # the province, on its host and the default
        province = get(client, host)
        assert province["X-Page-Cache"] == "HIT"
        assert "Tin mới Tiên Du" not in province.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publish(section, "Tin mới của tỉnh")
    for host in ("localhost", "127.0.0.1"):
        assert "Tin mới của tỉnh" in get(client, host).content.decode()
    assert get(client, "tiendu.bacninh.gov.vn")["X-Page-Cache"] == "HIT"


def test_an_alias_is_purged_with_its_original(
    client, section, district, django_capture_on_commit_callbacks
):
    original = publish(district.sections["tin-tuc-su-kien"], "Tin Tiên Du trên trang tỉnh")
    original.create_alias(parent=section)
    assert "Tin Tiên Du trên trang tỉnh" in get(client, "localhost").content.decode()
    assert get(client, "localhost")["X-Page-Cache"] == "HIT"

    with django_capture_on_commit_callbacks(execute=True):
        original.title = "Tin Tiên Du đã sửa"
        original.save_revision().publish()
    province = get(client, "localhost")
    assert province["X-Page-Cache"] == "MISS"
    assert "Tin Tiên Du đã sửa" in province.content.decode()


def test_a_move_purges_every_portal(client, section, district, django_capture_on_commit_callbacks):
    article = publish(section, "Tin chuyển sang Tiên Du")
    for host in ("localhost", "tiendu.bacninh.gov.vn"):
        get(client, host)
        assert get(client, host)["X-Page-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        article.move(district.sections["chinh-tri"], pos="last-child")
    assert "Tin chuyển sang Tiên Du" not in get(client, "localhost").content.decode()
    assert "Tin chuyển sang Tiên Du" in get(client, "tiendu.bacninh.gov.vn").content.decode()


def test_a_cached_page_is_served_while_the_database_is_away(client, section, district):
    from django.db import OperationalError, connection

    from core import pagecache

    for host in ("localhost", "tiendu.bacninh.gov.vn"):
        get(client, host, "/")
    pagecache._site_hosts = (-1, 0.0, frozenset())  # as in a process just started

    def database_away(*args, **kwargs):
        raise OperationalError("the database is away")

    with connection.execute_wrapper(database_away):
        for host in ("localhost", "tiendu.bacninh.gov.vn"):
            response = get(client, host, "/")
            assert response.status_code == 200 and response["X-Page-Cache"] == "HIT"
