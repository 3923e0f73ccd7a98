"""The statistics reports in the admin, as editors use them: the period's chart and
totals, top articles, sections and authors, exports, permissions, an article's history."""

import csv
import io
from datetime import datetime, time, timedelta

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db.models import Sum
from django.utils import timezone

from news.models import ArticleAuthor, Author, NewsIndexPage
from stats.models import DailyPageViews
from stats.reports.periods import last_days
from stats.tests.conftest import post_beacon
from tests.newsroom import EDITORS, MODERATORS, make_user, publish_article

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/stats/"


@pytest.fixture(autouse=True)
def _database_store(settings):
    settings.STATS_REDIS_URL = None


@pytest.fixture
def newsroom(home, section):
    """Two sections, three articles, two authors; views on two days of the last week."""
    sport = home.add_child(instance=NewsIndexPage(title="Thể thao", slug="the-thao"))
    sport.save_revision().publish()
    lan, minh = Author.objects.create(name="Lan Anh"), Author.objects.create(name="Minh Quân")
    first = publish_article(section, "Khai mạc lễ hội", days_ago=3)
    second = publish_article(section, "Mưa lớn ở vùng cao", days_ago=3)
    third = publish_article(sport, "Giải bóng đá tỉnh", days_ago=3)
    ArticleAuthor.objects.create(page=first, author=lan)
    ArticleAuthor.objects.create(page=second, author=lan)
    ArticleAuthor.objects.create(page=second, author=minh)
    ArticleAuthor.objects.create(page=third, author=minh)
    today = timezone.localdate()
    yesterday = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(10)))
    views = {first: 5, second: 2, third: 3}
    with time_machine.travel(yesterday, tick=False):
        for page, count in views.items():
            for reader in range(count):
                assert post_beacon(_client(), page.pk, f"{page.pk:04d}{reader:028d}").json()[
                    "counted"
                ]
    assert post_beacon(_client(), first.pk, "e" * 32).json()["counted"]  # today
    return {
        "sections": (section, sport),
        "articles": (first, second, third),
        "authors": (lan, minh),
    }


def _client():
    from django.test import Client

    return Client()


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(make_user(django_user_model, "bientap", EDITORS))
    return client


def test_editor_sees_the_chart_totals_and_breakdowns(editor, newsroom):
    html = editor.get(DASHBOARD, {"period": "7"}).content.decode()
    assert 'class="stats-chart"' in html and 'data-days="7"' in html
    period = last_days(7)
    assert f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}" in html
    assert "<td data-stats-total-views>11</td>" in html
    assert "Không có số liệu kỳ trước" in html
    for name in ("Khai mạc lễ hội", "Tin tức - Sự kiện", "Thể thao", "Lan Anh", "Minh Quân"):
        assert name in html
    assert "Lượt xem theo chuyên mục" in html and "Lượt xem theo tác giả" in html
    # The chart's date labels are dd/mm.
    assert f">{period.end:%d/%m}</text>" in html


def test_period_change_against_the_previous_period(editor, newsroom):
    html = editor.get(DASHBOARD, {"period": "custom", "start": "", "end": ""}).content.decode()
    assert "Nhập cả hai ngày" in html  # a clear error, the default period shown
    today = timezone.localdate()
    day = f"{today:%d/%m/%Y}"
    html = editor.get(DASHBOARD, {"period": "custom", "start": day, "end": day}).content.decode()
    # Today 1 view, yesterday (the period before) 10: -90%.
    assert "<td data-stats-total-views>1</td>" in html
    assert "−90% so với kỳ trước" in html
    assert 'data-days="1"' in html


@pytest.mark.parametrize("bad", ["31/02/2026", "2026-01-01", "x" * 300])
def test_bad_dates_are_refused_clearly(editor, newsroom, bad):
    for url in (DASHBOARD, "/admin/stats/news/articles/"):
        response = editor.get(url, {"period": "custom", "start": bad, "end": "01/01/2026"})
        assert response.status_code == 200


def test_sections_and_authors_add_up_from_the_day_rows(editor, newsroom):
    from news import reports

    period = last_days(7)
    first, second, third = newsroom["articles"]
    assert [(row["title"], row["views"], row["articles"]) for row in reports.sections(period)] == [
        ("Tin tức - Sự kiện", 8, 2),
        ("Thể thao", 3, 1),
    ]
    # An article with two authors counts for each of them.
    assert [(row["title"], row["views"]) for row in reports.authors(period)] == [
        ("Lan Anh", 8),
        ("Minh Quân", 5),
    ]
    total = DailyPageViews.objects.aggregate(v=Sum("views"))["v"]
    assert sum(row["views"] for row in reports.sections(period)) == total == 11
    # The dashboard's sections and authors, from their own roll-up, give what the
    # reports give from every article's totals.
    figures = reports.dashboard_figures(period, 10)
    for kind in ("sections", "authors"):
        full = [
            {k: row[k] for k in ("id", "title", "views")} for row in getattr(reports, kind)(period)
        ]
        assert [{k: row[k] for k in ("id", "title", "views")} for row in figures[kind]] == full
    assert figures["articles"] == reports.top_articles(period)
    assert [row["title"] for row in figures["articles"]] == [
        "Khai mạc lễ hội",
        "Giải bóng đá tỉnh",
        "Mưa lớn ở vùng cao",
    ]


def test_top_articles_sort_and_export(editor, newsroom):
    url = "/admin/stats/news/articles/"
    html = editor.get(url, {"period": "7"}).content.decode()
    assert (
        html.index("Khai mạc lễ hội")
        < html.index("Giải bóng đá tỉnh")
        < html.index("Mưa lớn ở vùng cao")
    )
    html = editor.get(url, {"period": "7", "ordering": "views"}).content.decode()
    assert html.index("Mưa lớn ở vùng cao") < html.index("Khai mạc lễ hội")
    assert "Lan Anh, Minh Quân" in html

    period = last_days(7)
    response = editor.get(url, {"period": "7", "export": "csv"})
    assert response.status_code == 200
    assert f"bai-viet-doc-nhieu_{period.slug()}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Tin bài", "Chuyên mục", "Tác giả", "Ngày đăng", "Số lượt xem"]
    assert rows[1][0] == "Khai mạc lễ hội" and rows[1][1] == "Tin tức - Sự kiện"
    assert rows[1][4] == "6"

    for name, slug, first in (
        ("sections", "luot-xem-theo-chuyen-muc", ["Tin tức - Sự kiện", 2, 8]),
        ("authors", "luot-xem-theo-tac-gia", ["Lan Anh", 2, 8]),
    ):
        response = editor.get(f"/admin/stats/news/{name}/", {"period": "7", "export": "xlsx"})
        assert f"{slug}_{period.slug()}.xlsx" in response["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = list(book.active.values)
        assert sheet[0][2] == "Số lượt xem"
        assert list(sheet[1]) == first


def test_only_holders_of_the_permission_see_the_reports(client, django_user_model, newsroom):
    plain = make_user(django_user_model, "phongvien")
    plain.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(plain)
    html = client.get(DASHBOARD).content.decode()
    assert 'class="stats-chart"' not in html and "Đọc nhiều nhất" in html
    first = newsroom["articles"][0]
    refused = [f"/admin/stats/news/{name}/" for name in ("articles", "sections", "authors")]
    for url in [
        *refused,
        f"/admin/stats/page/{first.pk}/",
        "/admin/stats/news/articles/?export=csv",
    ]:
        response = client.get(url)  # Wagtail answers a refusal with a redirect and a message
        assert (response.status_code, response.url) == (302, "/admin/"), url

    for group in (MODERATORS, EDITORS):
        user = make_user(django_user_model, f"u{len(group)}", group)
        assert user.has_perm("stats.view_statistics")
    permission = Permission.objects.get(codename="view_statistics")
    assert permission.name == "Xem thống kê"


def test_article_history_from_the_edit_view(editor, newsroom):
    first = newsroom["articles"][0]
    edit = editor.get(f"/admin/pages/{first.pk}/edit/").content.decode()
    assert f'href="/admin/stats/page/{first.pk}/"' in edit
    # In the page header's "…" menu, under its Vietnamese label.
    link = edit.index(f'href="/admin/stats/page/{first.pk}/"')
    assert "Thống kê lượt xem" in edit[link : link + 600]
    html = editor.get(f"/admin/stats/page/{first.pk}/").content.decode()
    assert "Khai mạc lễ hội" in html and 'class="stats-chart"' in html
    assert "<strong data-stats-total>6</strong>" in html


def test_online_figure_as_json(editor, newsroom):
    data = editor.get("/admin/stats/online/").json()
    assert data["online"] >= 1 and data["visits"] >= 1
    html = editor.get(DASHBOARD).content.decode()
    assert 'src="/static/stats/admin-online.js"' in html


def test_reports_are_in_the_reports_menu_of_editors_only(client, editor, django_user_model):
    html = editor.get("/admin/").content.decode()
    for name in ("articles", "sections", "authors"):
        assert f"/admin/stats/news/{name}/" in html
    plain = make_user(django_user_model, "khach")
    plain.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(plain)
    assert "/admin/stats/news/articles/" not in client.get("/admin/").content.decode()
