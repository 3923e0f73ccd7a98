"""A portal's reports show its own figures: a district's editor sees, on the dashboard,
in the reports and in their exports, only the views and visits of their portal; an
editor of every portal sees the province's sum and may narrow it to one portal.

The live test sends concurrent beacons to three hosts (the province and two
districts) on a real server with PostgreSQL (both stores); the embedded one sends
them one by one with the test client (also on SQLite). Both then check that each
portal's daily roll-up equals the raw day rows and visit counters, and read the admin
as the editors do.
"""

import csv
import io
import random
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum
from hitcount.models import HitCount
from wagtail.models import Page

from news.models import ArticleAuthor, Author
from news.portals import create_portal
from stats.models import (
    DailyPageViews,
    DailySiteStats,
    DailySiteVisits,
    GroupViewsBlock,
    SiteCounter,
)
from stats.services import sites
from tests.newsroom import EDITORS, make_user, publish_article

from .conftest import post_beacon, wait_for, writes_done
from .live import beacon

PROVINCE, YENPHONG, TUSON = "localhost", "yenphong.localhost", "tuson.localhost"
DASHBOARD = "/admin/stats/"
REPORTS = "/admin/stats/news/"

# Who reads what: (readers, [(host, article key), ...]); every beacon is sent twice.
READING = (
    (30, [(YENPHONG, "festival")]),
    (12, [(YENPHONG, "festival"), (YENPHONG, "market")]),
    (20, [(TUSON, "road")]),
    (10, [(PROVINCE, "province")]),
    (8, [(YENPHONG, "market"), (TUSON, "road")]),
)
TITLES = {
    "festival": "Lễ hội làng Đông Yên",
    "market": "Chợ phiên Yên Phong",
    "road": "Đường mới về Tú Sơn",
    "province": "Tin của tỉnh",
}


def expected() -> dict:
    """Views per article and visits (distinct readers) per host."""
    views, readers = Counter(), {}
    for group, (count, reads) in enumerate(READING):
        for n in range(count):
            for host, key in reads:
                views[key] += 1
                readers.setdefault(host, set()).add((group, n))
    return {"views": views, "visits": {host: len(who) for host, who in readers.items()}}


def reader(group: int, n: int) -> str:
    return f"{group:08x}{n:024x}"


def beacons() -> list[tuple[str, str, str]]:
    """(host, article key, reader) of every beacon, each twice, shuffled."""
    items = [
        (host, key, reader(group, n))
        for group, (count, reads) in enumerate(READING)
        for n in range(count)
        for host, key in reads
    ] * 2
    random.Random(18).shuffle(items)
    return items


@pytest.fixture
def network(home, section):
    """The province (default site) and two districts; Yên Phong has two articles in two
    sections, each portal's articles have their own author."""
    yenphong = create_portal("Yên Phong", YENPHONG)
    tuson = create_portal("Tú Sơn", TUSON)
    articles = {
        "festival": publish_article(yenphong.sections["tin-tuc-su-kien"], TITLES["festival"]),
        "market": publish_article(yenphong.sections["kinh-te-xa-hoi"], TITLES["market"]),
        "road": publish_article(tuson.sections["tin-tuc-su-kien"], TITLES["road"]),
        "province": publish_article(section, TITLES["province"]),
    }
    for key, name in (
        ("festival", "Nguyễn Yên"),
        ("market", "Nguyễn Yên"),
        ("road", "Trần Sơn"),
        ("province", "Lê Tỉnh"),
    ):
        author, _ = Author.objects.get_or_create(name=name)
        ArticleAuthor.objects.create(page=articles[key], author=author)
    keys = {PROVINCE: sites.default_key(), YENPHONG: yenphong.portal.site.pk}
    keys[TUSON] = tuson.portal.site.pk
    return {"articles": articles, "keys": keys, "yenphong": yenphong}


def assert_rollup_matches_raw_rows(keys) -> None:
    """Each portal's views per day (its group's one-day blocks) are its pages' day rows;
    its visits per day add up to its counter; the portals add up to the installation."""
    site_of = {page.pk: page.get_site().pk for page in Page.objects.filter(depth__gt=1)}
    counters = dict(HitCount.objects.values_list("pk", "object_pk"))
    raw = Counter()
    for counter, day, views in DailyPageViews.objects.values_list("hitcount", "day", "views"):
        raw[(site_of[counters[counter]], day)] += views
    rolled = {
        (key, day): views
        for key, day, views in GroupViewsBlock.objects.filter(kind="site", span=1)
        .values("group_key", "start")
        .annotate(views=Sum("views"))
        .values_list("group_key", "start", "views")
        if views
    }
    assert rolled == dict(raw) != {}
    visits = dict(SiteCounter.objects.values_list("site_key", "visits"))
    per_site = Counter()
    for key, count in DailySiteVisits.objects.values_list("site_key", "visits"):
        per_site[key] += count
    assert dict(per_site) == {key: count for key, count in visits.items() if count}
    assert sum(per_site.values()) == DailySiteStats.objects.aggregate(v=Sum("visits"))["v"]
    assert sum(raw.values()) == DailySiteStats.objects.aggregate(v=Sum("views"))["v"]


def number(html: str, name: str) -> int:
    return int(re.search(rf"data-stats-total-{name}>([\d.]+)<", html).group(1).replace(".", ""))


def csv_rows(client, report: str, **query) -> dict[str, int]:
    """{first column: views} of a report's CSV export."""
    response = client.get(f"{REPORTS}{report}/", {"period": "7", "export": "csv", **query})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    return {row[0]: int(row[-1]) for row in rows[1:]}


def assert_editors_see_their_portals(client, django_user_model, network) -> None:
    articles, keys = network["articles"], network["keys"]
    views, visits = expected()["views"], expected()["visits"]
    yenphong_views = views["festival"] + views["market"]

    district = make_user(django_user_model, "bientap-yenphong")
    district.groups.add(network["yenphong"].portal.editors)
    client.force_login(district)
    html = client.get(DASHBOARD, {"period": "7"}, HTTP_HOST=PROVINCE).content.decode()
    assert "data-stats-portal>Yên Phong<" in html
    assert number(html, "views") == yenphong_views
    assert number(html, "visits") == visits[YENPHONG]
    assert TITLES["festival"] in html and TITLES["market"] in html
    assert TITLES["road"] not in html and TITLES["province"] not in html
    assert "Trần Sơn" not in html and "Lê Tỉnh" not in html
    assert 'name="portal"' not in html  # their portal is not a choice
    # Asking for another portal changes nothing.
    other = client.get(DASHBOARD, {"period": "7", "portal": keys[TUSON]}).content.decode()
    assert number(other, "views") == yenphong_views and TITLES["road"] not in other

    assert csv_rows(client, "articles") == {
        TITLES["festival"]: views["festival"],
        TITLES["market"]: views["market"],
    }
    assert csv_rows(client, "sections", portal=keys[TUSON]) == {
        "Tin tức - Sự kiện": views["festival"],
        "Kinh tế - Xã hội": views["market"],
    }
    assert csv_rows(client, "authors") == {"Nguyễn Yên": yenphong_views}
    response = client.get(f"{REPORTS}articles/", {"period": "7", "export": "xlsx"})
    assert "_yen-phong_" in response["Content-Disposition"]
    assert client.get(f"/admin/stats/page/{articles['festival'].pk}/").status_code == 200
    assert client.get(f"/admin/stats/page/{articles['road'].pk}/").status_code == 404

    province = make_user(django_user_model, "bientap-tinh", EDITORS)
    client.force_login(province)
    html = client.get(DASHBOARD, {"period": "7"}).content.decode()
    assert number(html, "views") == sum(views.values())
    assert number(html, "visits") == sum(visits.values())
    assert all(title in html for title in TITLES.values())
    assert csv_rows(client, "articles") == {TITLES[key]: count for key, count in views.items()}
    # Narrowed to one portal.
    html = client.get(DASHBOARD, {"period": "7", "portal": keys[TUSON]}).content.decode()
    assert "data-stats-portal>Tú Sơn<" in html
    assert number(html, "views") == views["road"]
    assert number(html, "visits") == visits[TUSON]
    assert TITLES["road"] in html and TITLES["festival"] not in html
    assert csv_rows(client, "authors", portal=keys[TUSON]) == {"Trần Sơn": views["road"]}
    # A portal that does not exist, or nonsense: the whole province, never an error.
    for bad in ("999999", "x" * 300, "1e9", "²"):
        html = client.get(DASHBOARD, {"period": "7", "portal": bad}).content.decode()
        assert number(html, "views") == sum(views.values())


@pytest.fixture(params=["redis_store", "db_store"])
def store(request, settings):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (run through scripts/services.sh)")
    settings.STATS_REDIS_SOCKET_TIMEOUT = 30  # each store on its own (as test_portals)
    return request.getfixturevalue(request.param)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_readers_of_two_portals_and_what_each_editor_sees(
    live_server, store, network, client, django_user_model
):
    articles = network["articles"]
    port = live_server.url.rsplit(":", 1)[1]

    def send(item):
        host, key, who = item
        headers = {"Host": f"{host}:{port}"}
        return beacon(live_server.url, articles[key].pk, who, headers=headers)

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(send, beacons()))

    assert {status for status, _ in answers} == {200}
    total = sum(expected()["views"].values())
    assert sum(body["counted"] for _, body in answers) == total
    assert wait_for(lambda: DailySiteStats.objects.aggregate(v=Sum("views"))["v"], total) == total
    writes_done()
    assert_rollup_matches_raw_rows(network["keys"])
    assert_editors_see_their_portals(client, django_user_model, network)


@pytest.mark.embedded
@pytest.mark.django_db
def test_each_portal_in_the_reports_one_beacon_at_a_time(
    db_store, network, client, django_user_model
):
    from django.test import Client

    articles = network["articles"]
    for host, key, who in beacons():
        post_beacon(Client(), articles[key].pk, who, HTTP_HOST=host)
    assert DailySiteStats.objects.aggregate(v=Sum("views"))["v"] == sum(
        expected()["views"].values()
    )
    assert_rollup_matches_raw_rows(network["keys"])
    assert_editors_see_their_portals(client, django_user_model, network)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_days_counted_before_portals_are_the_default_sites(home, db_store):
    """Migration 0008 and the backfill give the days' visits counted before portals
    were counted apart to the default site; no visit is lost or moved."""
    import io
    from datetime import date

    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    (split,) = [
        node for node in executor.loader.graph.nodes if node == ("stats", "0008_portal_reports")
    ]
    (before,) = [n for n in executor.loader.graph.node_map[split].parents if n.key[0] == "stats"]
    executor.migrate([before.key])
    old = MigrationExecutor(connection).loader.project_state([before.key]).apps
    days = {date(2026, 11, 1): 1_234, date(2026, 11, 2): 0, date(2026, 11, 3): 56}
    for day, visits in days.items():
        old.get_model("stats", "DailySiteStats").objects.create(day=day, views=9, visits=visits)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("stats"))

    default = sites.default_key()
    given = {
        (key, day): n
        for key, day, n in DailySiteVisits.objects.values_list("site_key", "day", "visits")
    }
    assert given == {(default, day): n for day, n in days.items() if n}
    DailySiteVisits.objects.all().delete()
    call_command("stats_backfill_daily", stdout=io.StringIO())
    given = {
        (key, day): n
        for key, day, n in DailySiteVisits.objects.values_list("site_key", "day", "visits")
    }
    assert given == {(default, day): n for day, n in days.items() if n}


@pytest.mark.embedded
@pytest.mark.django_db
def test_each_portals_dashboard_ranks_as_its_day_rows(network):
    """A district's dashboard reads its top articles and authors in one statement, the
    province's its top articles alone: over many periods and row counts, with ties,
    both equal the day rows ranked in Python (views, then the article's id or the
    author's name), and the full reports' statements."""
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from news import reports
    from stats.reports.periods import Period

    yenphong, keys = network["yenphong"], network["keys"]
    pages = dict(network["articles"])
    names = ["Nguyễn Yên", "Phạm Đông", "Vũ Phong"]
    authors = [Author.objects.get_or_create(name=name)[0] for name in names]
    for n in range(6):
        page = publish_article(yenphong.sections["kinh-te-xa-hoi"], f"Tin huyện {n}")
        ArticleAuthor.objects.create(page=page, author=authors[n % 3])
        if n % 2:
            ArticleAuthor.objects.create(page=page, author=authors[(n + 1) % 3])
        pages[f"extra{n}"] = page
    article = ContentType.objects.get(app_label="news", model="articlepage")
    today = timezone.localdate()
    rng = random.Random(2026)
    views = {}  # (page id, day): views
    for page in pages.values():
        counter, _ = HitCount.objects.get_or_create(content_type=article, object_pk=page.pk)
        for days_ago in rng.sample(range(400), 25):
            day = today - timedelta(days=days_ago)
            views[(page.pk, day)] = rng.choice([1, 2, 3, 5, 8])  # small values: ties
            DailyPageViews.objects.create(hitcount=counter, day=day, views=views[(page.pk, day)])
    site_of = {page.pk: page.get_site().pk for page in pages.values()}
    written_by = {}
    for page_id, name in ArticleAuthor.objects.values_list("page_id", "author__name"):
        written_by.setdefault(page_id, []).append(name)

    def truth(period, site, limit):
        totals = Counter()
        for (page_id, day), count in views.items():
            if period.start <= day <= period.end and site in (None, site_of[page_id]):
                totals[page_id] += count
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
        by_author = Counter()
        for page_id, count in totals.items():
            for name in written_by.get(page_id, ()):
                by_author[name] += count
        named = sorted(by_author.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return ranked, named

    checked = 0
    for _ in range(40):
        start = today - timedelta(days=rng.randrange(420))
        period = Period(start, min(today, start + timedelta(days=rng.randrange(1, 400))))
        limit = rng.choice([1, 2, 3, 5, 10])
        for site in (keys[YENPHONG], keys[TUSON], None):
            ranked, named = truth(period, site, limit)
            figures = reports._dashboard_figures(period, limit, site)
            assert [(row["id"], row["views"]) for row in figures["articles"]] == ranked
            plain = reports._top_articles(period, limit, site)
            assert [(row["id"], row["views"]) for row in plain] == ranked
            assert [(row["title"], row["views"]) for row in figures["authors"]] == named
            full = reports._grouped_views("authors", period, limit, site)
            assert [(row["title"], row["views"]) for row in full] == named
            checked += bool(ranked)
    assert checked > 60
