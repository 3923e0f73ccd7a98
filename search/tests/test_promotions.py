"""Editors' picks (Wagtail's search promotions): first on the first page, marked, on every
engine; the admin screen to make them is for signed-in staff."""

from datetime import datetime

import pytest
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from search.tests.conftest import publish_article

pytestmark = pytest.mark.django_db


def aware(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def pages(section, live_engine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = {
            f"match{n}": publish_article(
                section,
                f"Xây dựng nông thôn mới ở xã số {n}",
                paragraphs=["Nông thôn mới là chương trình mục tiêu quốc gia."],
                published=aware(2024, 1, n, 8),
            )
            for n in range(1, 13)
        }
        # The page an editor pins: it mentions the words once, in its body only.
        made["guide"] = publish_article(
            section,
            "Bộ tiêu chí quốc gia về xã giai đoạn 2021-2025",
            lead="Văn bản hướng dẫn của Ủy ban nhân dân tỉnh.",
            paragraphs=["Áp dụng cho các xã đạt chuẩn nông thôn mới."],
            published=aware(2021, 6, 1, 8),
        )
        made["unrelated"] = publish_article(
            section, "Lịch tiếp công dân tháng 12", published=aware(2025, 12, 1, 8)
        )
        made["draft"] = publish_article(section, "Bản nháp", published=aware(2025, 12, 2, 8))
        made["draft"].unpublish()
    query = Query.get("Nông thôn mới")
    SearchPromotion.objects.create(
        query=query, page=made["guide"], sort_order=0, description="Bộ tiêu chí <mới nhất>"
    )
    SearchPromotion.objects.create(query=query, page=made["unrelated"], sort_order=1)
    SearchPromotion.objects.create(query=query, page=made["draft"], sort_order=2)
    SearchPromotion.objects.create(
        query=query,
        external_link_url="https://nongthonmoi.gov.vn/",
        external_link_text="Văn phòng Điều phối nông thôn mới Trung ương",
        sort_order=3,
    )
    return made


def get_json(client, **params):
    response = client.get("/search/", {**params, "format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("typed", ["nông thôn mới", "NONG THON MOI", "  nông   thôn mới! "])
def test_picks_come_first_and_marked(client, pages, typed):
    data = get_json(client, q=typed)
    results = data["results"]
    assert [r["title"] for r in results[:3]] == [
        "Bộ tiêu chí quốc gia về xã giai đoạn 2021-2025",
        "Lịch tiếp công dân tháng 12",  # pinned although it does not match
        "Văn phòng Điều phối nông thôn mới Trung ương",
    ]
    assert [r["promoted"] for r in results[:3]] == [True, True, True]
    assert results[0]["snippet"] == "Bộ tiêu chí &lt;mới nhất&gt;"
    assert results[2]["url"] == "https://nongthonmoi.gov.vn/"
    assert not any(r["promoted"] for r in results[3:])
    # A pinned page is not shown twice; the draft is not shown at all.
    assert [r["id"] for r in results].count(pages["guide"].pk) == 1
    assert pages["draft"].pk not in [r["id"] for r in results]
    assert data["total"] == 13  # the matches, as before


def test_picks_only_on_the_first_page_of_their_query(client, pages):
    assert not any(r["promoted"] for r in get_json(client, q="nông thôn mới", page=2)["results"])
    assert not any(r["promoted"] for r in get_json(client, q="nông thôn")["results"])


def test_the_page_marks_them(client, pages):
    html = client.get("/search/", {"q": "nong thon moi"}).content.decode()
    first = html.index("search-result--promoted")
    assert html.count('class="search-result search-result--promoted"') == 3
    assert "Tiêu điểm" in html[first:]
    # Matched words of a title are marked (<mark>); the order is read without them.
    text = html.replace("<mark>", "").replace("</mark>", "")
    assert text.index("Bộ tiêu chí quốc gia") < text.index("Xây dựng nông thôn mới ở xã số")
    assert "Bộ tiêu chí &lt;mới nhất&gt;" in html


def test_admin_screen_is_for_staff(client, admin_client):
    assert client.get("/admin/searchpicks/").status_code == 302
    assert admin_client.get("/admin/searchpicks/").status_code == 200


def test_a_pick_changed_in_the_admin_shows_on_the_next_search(
    client, pages, django_capture_on_commit_callbacks
):
    def titles():
        return [r["title"] for r in get_json(client, q="nông thôn mới")["results"] if r["promoted"]]

    assert "Xây dựng nông thôn mới ở xã số 5" not in titles()  # the picks are now cached
    with django_capture_on_commit_callbacks(execute=True):
        pick = SearchPromotion.objects.create(
            query=Query.get("nông thôn mới"), page=pages["match5"], sort_order=9
        )
    assert titles()[-1] == "Xây dựng nông thôn mới ở xã số 5"
    with django_capture_on_commit_callbacks(execute=True):
        pick.delete()
        SearchPromotion.objects.filter(page=pages["guide"]).delete()
    assert titles() == [
        "Lịch tiếp công dân tháng 12",
        "Văn phòng Điều phối nông thôn mới Trung ương",
    ]
