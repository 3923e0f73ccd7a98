""" "Thống kê truy cập" and "Đọc nhiều nhất", with the database store and with Redis."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.utils import timezone

from stats import services
from stats.models import SiteCounter
from stats.services import popular
from stats.services.sites import NETWORK

from .conftest import post_beacon

STORES = [pytest.param("db_store", marks=pytest.mark.embedded), "redis_store"]


@pytest.fixture(params=STORES)
def store(request):
    return request.getfixturevalue(request.param)


def reader(n: int) -> str:
    return f"{n:032x}"


def widget_text(client, url="/") -> str:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return " ".join(soup.select_one(".visitor-stats").get_text(" ", strip=True).split())


@pytest.mark.django_db
def test_online_follows_the_window_edges(client, store, section, settings):
    settings.STATS_ONLINE_WINDOW = timedelta(minutes=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        post_beacon(client, None, reader(1))
        post_beacon(client, None, reader(2))
        assert services.snapshot().online == 2
        clock.shift(timedelta(minutes=3))
        post_beacon(client, None, reader(2))
        post_beacon(client, None, reader(2))  # same visitor again: still 2 in all
        assert services.snapshot().online == 2
        clock.shift(timedelta(minutes=2))  # reader 1 was seen exactly 5 minutes ago
        assert services.snapshot().online == 2
        clock.shift(timedelta(seconds=1))  # ... and now 5 minutes and a second ago
        assert services.snapshot().online == 1
        clock.shift(timedelta(minutes=3))
        assert services.snapshot().online == 0
        assert "Trực tuyến: 0" in widget_text(client)


@pytest.mark.django_db
def test_presence_sets_drop_departed_readers_when_they_grow(client, redis_store, section, settings):
    """A returning reader's beacon leaves readers gone past the window in Redis's
    presence sets (the count from the cutoff is exact anyway); a new reader's clears
    them, so the sets hold no more than the window's readers."""
    settings.STATS_ONLINE_WINDOW = timedelta(minutes=5)
    redis = redis_store.client

    def members() -> dict[bytes, int]:  # the network's set and the portal's
        return {key: redis.zcard(key) for key in redis.keys(redis_store.online_key(NETWORK) + "*")}

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        post_beacon(client, None, reader(1))
        post_beacon(client, None, reader(2))
        clock.shift(timedelta(minutes=6))  # reader 1 left the window
        assert post_beacon(client, None, reader(2)).json()["online"] == 1
        assert "Trực tuyến: 1" in widget_text(client)
        assert sorted(members().values()) == [2, 2]  # reader 1 still in both sets
        assert post_beacon(client, None, reader(3)).json()["online"] == 2
        assert "Trực tuyến: 2" in widget_text(client)
        assert sorted(members().values()) == [2, 2]  # readers 2 and 3 only
        assert all(redis.zscore(key, reader(1)) is None for key in members())


@pytest.mark.django_db
def test_visits_start_from_the_admin_value_and_follow_the_idle_gap(client, store, settings):
    settings.STATS_VISIT_IDLE_GAP = timedelta(minutes=30)
    services.set_visits_start(43_712_467)
    assert "Thống kê truy cập — Trực tuyến: 0 — Đã truy cập: 43.712.467" in widget_text(client)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert post_beacon(client, None, reader(1)).json()["visits"] == 43_712_468
        clock.shift(timedelta(minutes=29))
        assert post_beacon(client, None, reader(1)).json()["visits"] == 43_712_468
        clock.shift(timedelta(minutes=29))  # idle gap measured from the last request
        assert post_beacon(client, None, reader(1)).json()["visits"] == 43_712_468
        clock.shift(timedelta(minutes=30))
        assert post_beacon(client, None, reader(1)).json()["visits"] == 43_712_469
        assert post_beacon(client, None, reader(2)).json()["visits"] == 43_712_470
    assert SiteCounter.objects.get().visits == 3
    assert "Đã truy cập: 43.712.470" in widget_text(client)


@pytest.mark.django_db
def test_widget_costs_one_query_on_the_database(client, db_store, django_assert_num_queries):
    services.snapshot()  # creates the counter row on first use
    with django_assert_num_queries(1):
        services.snapshot()


@pytest.mark.django_db
def test_widget_costs_no_query_with_redis(client, redis_store, django_assert_num_queries):
    services.snapshot()  # first read after a flush re-reads the total once
    with django_assert_num_queries(0):
        services.snapshot()


@pytest.mark.django_db
def test_most_read_lists(client, store, section, article, settings):
    from news.models import ArticlePage

    other = section.add_child(instance=ArticlePage(title="Bài thứ hai", slug="bai-thu-hai"))
    other.save_revision().publish()
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    # Wednesday 15 January 2025, 10:00 in Hà Nội.
    wednesday = datetime(2025, 1, 15, 3, 0, tzinfo=UTC)
    with time_machine.travel(wednesday - timedelta(days=14), tick=False):  # 1 January
        for n in range(4):
            post_beacon(client, other.pk, reader(100 + n))
    with time_machine.travel(wednesday - timedelta(days=2), tick=False):  # Monday
        for n in range(2):
            post_beacon(client, article.pk, reader(200 + n))
    with time_machine.travel(wednesday, tick=False):
        post_beacon(client, article.pk, reader(300))
        post_beacon(client, other.pk, reader(301))
        post_beacon(client, other.pk, reader(302))
        lists = services.most_read(5)
    titles = {key: [(e.title, e.views) for e in entries] for key, entries in lists.items()}
    assert titles["today"] == [("Bài thứ hai", 2), (article.title, 1)]
    assert titles["week"] == [(article.title, 3), ("Bài thứ hai", 2)]
    assert titles["month"] == [("Bài thứ hai", 6), (article.title, 3)]


@pytest.mark.django_db
def test_most_read_is_cached_not_recomputed(client, db_store, article, django_assert_num_queries):
    post_beacon(client, article.pk, reader(1))
    first = services.most_read(5)
    assert [e.views for e in first["today"]] == [1]
    with django_assert_num_queries(0):
        services.most_read(5)
    popular.clear_cache(5)
    post_beacon(client, article.pk, reader(2))
    assert [e.views for e in services.most_read(5)["today"]] == [2]


@pytest.mark.django_db
def test_home_page_shows_most_read(client, db_store, article):
    post_beacon(client, article.pk, reader(1))
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    block = soup.select_one(".most-read")
    assert block.select_one("h2").get_text() == "Đọc nhiều nhất"
    assert [h.get_text() for h in block.select("h3")] == ["Hôm nay", "Tuần này", "Tháng này"]
    assert article.title in block.select_one(".most-read__period--today").get_text()


@pytest.mark.django_db
def test_admin_dashboard_lists_and_sets_the_starting_total(client, db_store, article):
    admin = get_user_model().objects.create_superuser("admin", "a@example.vn", "pw")
    post_beacon(client, article.pk, reader(1))
    client.force_login(admin)
    page = client.get("/admin/stats/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đọc nhiều nhất" in html and article.title in html
    response = client.post("/admin/stats/", {"visits_start": "43712467"})
    assert response.status_code == 302
    assert services.snapshot().visits == 43_712_467 + 1
    assert client.post("/admin/stats/", {"visits_start": "-5"}).status_code == 200
    assert services.snapshot().visits == 43_712_467 + 1


@pytest.mark.django_db
def test_editors_without_permission_cannot_set_the_total(client, db_store):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("reporter", "r@example.vn", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/stats/").status_code == 200
    client.post("/admin/stats/", {"visits_start": "5"})
    assert services.snapshot().visits == 0
