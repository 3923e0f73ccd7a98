"""The read-only Wagtail API v2 for articles and events."""

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.models import ArticleAuthor, Author
from tests.newsroom import (  # noqa: F401 - fresh_cache is a fixture
    add_events_section,
    fresh_cache,
    make_image,
    publish_article,
    publish_event,
)

pytestmark = [pytest.mark.embedded, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def article(section):
    image = make_image("Ảnh hội nghị")
    page = publish_article(
        section,
        "Hội nghị tổng kết năm",
        days_ago=1,
        lead="Sapo hội nghị.",
        initial_view_count=161,
        body=[
            ("paragraph", "<p>Đoạn mở đầu.</p>"),
            (
                "captioned_image",
                {"image": image, "caption": "Toàn cảnh hội nghị.", "alt_text": "Hội trường"},
            ),
        ],
    )
    ArticleAuthor.objects.create(page=page, author=Author.objects.create(name="Vũ Hưng"))
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_article_detail_carries_the_newsroom_fields(client, article, section):
    response = client.get(f"/api/v2/articles/{article.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Hội nghị tổng kết năm"
    assert data["lead"] == "Sapo hội nghị."
    assert data["authors"] == [{"name": "Vũ Hưng", "role": ""}]
    assert data["section"] == {
        "id": section.pk,
        "title": section.title,
        "url": section.get_full_url(),
    }
    assert data["view_count"] == 161
    assert timezone.datetime.fromisoformat(data["published_at"]) == article.published_at
    assert data["meta"]["first_published_at"]
    blocks = {block["type"]: block["value"] for block in data["body"]}
    assert blocks["paragraph"]["html"] == "<p>Đoạn mở đầu.</p>"
    photo = blocks["captioned_image"]
    assert photo["caption"] == "Toàn cảnh hội nghị."
    # ImageRenditionField: "url" as stored (relative here), "full_url" absolute.
    assert photo["image"]["full_url"].startswith("http") and photo["image"]["width"] > 0
    assert photo["image"]["full_url"].endswith(photo["image"]["url"])


def test_article_listing_is_paginated(client, section, settings):
    for number in range(7):
        publish_article(section, f"Tin số {number}", days_ago=number)
    first = client.get("/api/v2/articles/?limit=3").json()
    assert first["meta"]["total_count"] == 7
    assert [item["title"] for item in first["items"]] == ["Tin số 0", "Tin số 1", "Tin số 2"]
    assert {"lead", "published_at", "authors", "section", "view_count"} <= set(first["items"][0])
    second = client.get("/api/v2/articles/?limit=3&offset=3").json()
    assert [item["title"] for item in second["items"]] == ["Tin số 3", "Tin số 4", "Tin số 5"]
    # A page larger than the maximum is refused, not served.
    too_big = client.get(f"/api/v2/articles/?limit={settings.WAGTAILAPI_LIMIT_MAX + 1}")
    assert too_big.status_code == 400


def test_events_endpoint(client, home):
    events = add_events_section(home)
    event = publish_event(events, "Hội chợ xuân", location="Quảng trường", lead="Hội chợ.")
    listing = client.get("/api/v2/events/").json()
    assert [item["title"] for item in listing["items"]] == ["Hội chợ xuân"]
    detail = client.get(f"/api/v2/events/{event.pk}/").json()
    assert detail["location"] == "Quảng trường"
    assert detail["section"]["title"] == events.title


def test_drafts_and_private_pages_never_appear(client, section, article, django_user_model):
    draft = publish_article(section, "Bản nháp", live=False)
    private = publish_article(section, "Tin nội bộ")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    unpublished = publish_article(section, "Tin đã gỡ")
    unpublished.unpublish()
    # Not even for a signed-in superuser: the API is anonymous for everyone.
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x")
    client.force_login(admin)
    titles = [item["title"] for item in client.get("/api/v2/articles/?limit=50").json()["items"]]
    assert titles == [article.title]
    for page in (draft, private, unpublished):
        assert client.get(f"/api/v2/articles/{page.pk}/").status_code == 404
    # Other page types cannot be pulled through the articles endpoint.
    assert client.get("/api/v2/articles/?type=wagtailcore.Page").json()["meta"]["total_count"] == 1


def test_api_is_read_only(client, article):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/api/v2/articles/{article.pk}/")
        assert response.status_code in (403, 405), method
    assert client.post("/api/v2/articles/", {"title": "x"}).status_code in (403, 405)


def test_api_is_rate_limited_per_client(client, article, settings):
    settings.API_RATE = "5/min"
    statuses = [client.get("/api/v2/articles/").status_code for _ in range(5)]
    assert statuses == [200] * 5
    refused = client.get("/api/v2/articles/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Another address still gets answers.
    assert client.get("/api/v2/articles/", REMOTE_ADDR="203.0.113.9").status_code == 200


@pytest.mark.parametrize(
    ("url", "status"),
    [
        # Found by tests/test_fuzz.py: these used to answer 500.
        ("/api/v2/articles/9223372036854775808/", 404),
        ("/api/v2/articles/?search=thi&search_operator=xor", 400),
        ("/api/v2/articles/?child_of=99999999999999999999", 400),
        ("/api/v2/articles/?offset=99999999999999999999", 400),
        ("/api/v2/articles/?order=khong-co", 400),
        ("/api/v2/articles/?fields=khong_co", 400),
        ("/api/v2/articles/?site=%00", 400),  # PostgreSQL refuses NUL in text
        ("/api/v2/events/?title=a%00b", 400),
    ],
)
def test_bad_requests_are_answered_not_crashed(client, article, url, status):
    assert client.get(url).status_code == status
