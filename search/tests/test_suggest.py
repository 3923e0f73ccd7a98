"""Suggestions as you type (/search/suggest/): titles and authors, on every engine."""

import logging
from datetime import datetime

import pytest
from django.utils import timezone

from search.suggest import AUTHOR_LIMIT, TITLE_LIMIT, parse_suggest
from search.tests.conftest import ELASTIC_ENGINE, publish_article, publish_event, use_engine

pytestmark = pytest.mark.django_db


def aware(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def pages(section, home, live_engine, django_capture_on_commit_callbacks):
    from news.models import EventIndexPage

    with django_capture_on_commit_callbacks(execute=True):
        calendar = home.add_child(instance=EventIndexPage(title="Lịch", slug="lich"))
        calendar.save_revision().publish()
        made = {
            "phrase_old": publish_article(
                section,
                "Xây dựng nông thôn mới ở xã Tân Lập",
                authors=["Trần Thu Oanh"],
                published=aware(2019, 5, 1, 8),
            ),
            "phrase_new": publish_article(
                section,
                "Huyện Yên Phong về đích nông thôn mới nâng cao",
                authors=["Nguyễn Văn Hòa"],
                published=aware(2024, 5, 1, 8),
            ),
            # Every syllable, not in a row: after the titles with the phrase.
            "scattered": publish_article(
                section,
                "Mới về thôn, nông dân phấn khởi",
                published=aware(2025, 1, 1, 8),
            ),
            "lead_only": publish_article(
                section,
                "Tổng kết năm học",
                lead="Năm học mới ở vùng nông thôn.",
                published=aware(2025, 2, 1, 8),
            ),
            "markup": publish_article(
                section,
                "Thôn <b>Đông</b> & thôn Tây",
                published=aware(2020, 1, 1, 8),
            ),
            "event": publish_event(calendar, "Hội chợ nông thôn mới 2025", aware(2025, 3, 1, 8)),
        }
        draft = publish_article(section, "Nông thôn mới bản nháp", published=aware(2025, 4, 1))
        draft.unpublish()
    return made


def suggest(client, q):
    response = client.get("/search/suggest/", {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["suggestions"]


def titles(suggestions):
    return [s["label"] for s in suggestions if s["type"] == "title"]


@pytest.mark.parametrize("typed", ["nong thon m", "Nông thôn mớ", "NÔNG THÔN MỚI", "nông thon"])
def test_titles_with_or_without_diacritics(client, pages, typed):
    found = titles(suggest(client, typed))
    # In a row first (newest first), then the scattered one; never a lead, never a draft.
    assert found[:3] == [
        "Hội chợ nông thôn mới 2025",
        "Huyện Yên Phong về đích nông thôn mới nâng cao",
        "Xây dựng nông thôn mới ở xã Tân Lập",
    ]
    assert "Mới về thôn, nông dân phấn khởi" in found[3:]
    assert "Tổng kết năm học" not in found
    assert "Nông thôn mới bản nháp" not in found


def test_a_title_links_to_its_page(client, pages):
    found = suggest(client, "xay dung nong")
    assert found == [
        {
            "type": "title",
            "label": "Xây dựng nông thôn mới ở xã Tân Lập",
            "url": pages["phrase_old"].url,
        }
    ]


def test_authors_link_to_their_articles(client, pages):
    found = suggest(client, "tran thu")
    authors = [s for s in found if s["type"] == "author"]
    assert [a["label"] for a in authors] == ["Trần Thu Oanh"]
    assert authors[0]["url"].startswith("/search/?author=")
    response = client.get(authors[0]["url"] + "&format=json")
    assert [hit["id"] for hit in response.json()["results"]] == [pages["phrase_old"].pk]
    # Diacritics-insensitive and with the old tone placement ("Hòa" = "Hoà").
    assert [s["label"] for s in suggest(client, "nguyễn văn hoà") if s["type"] == "author"] == [
        "Nguyễn Văn Hòa"
    ]


def test_limits_and_short_queries(client, pages):
    assert len(titles(suggest(client, "thon"))) <= TITLE_LIMIT
    assert suggest(client, "t") == []
    assert suggest(client, "") == []
    assert suggest(client, "  !!  ") == []
    assert suggest(client, "qwxyzzy") == []
    assert parse_suggest("x" * 5000).prefix  # cut, not refused
    assert AUTHOR_LIMIT >= 1


def test_title_text_is_returned_as_text(client, pages):
    # JSON carries the title as written; the script puts it in the page as text.
    assert "Thôn <b>Đông</b> & thôn Tây" in titles(suggest(client, "thon dong"))


@pytest.mark.parametrize("typed", ["\x00", "\"'<>", "a" * 300, "ờ", "%", "\\", "ﬁ"])
def test_any_input_answers(client, pages, typed):
    assert isinstance(suggest(client, typed), list)


@pytest.mark.embedded
def test_unreachable_elasticsearch_suggests_from_the_database(
    client, section, settings, caplog, django_capture_on_commit_callbacks
):
    use_engine(settings, "database")
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_article(section, "Xây dựng nông thôn mới ở xã Tân Lập")
    settings.SEARCH_ENGINE = ELASTIC_ENGINE
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    with caplog.at_level(logging.ERROR, logger="search"):
        found = suggest(client, "nong thon")
    assert found == [{"type": "title", "label": page.title, "url": page.url}]
    assert any("answering from the database" in r.getMessage() for r in caplog.records)


def test_a_missing_elasticsearch_index_suggests_from_the_database(
    client, section, settings, es_alias, caplog, django_capture_on_commit_callbacks
):
    # Elasticsearch answers, but each search of the suggestions' _msearch fails on its
    # own inside a 200 answer (the alias was never created): the database answers.
    use_engine(settings, "database")
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_article(section, "Xây dựng nông thôn mới ở xã Tân Lập")
    use_engine(settings, "elasticsearch")
    with caplog.at_level(logging.ERROR, logger="search"):
        found = suggest(client, "nong thon")
    assert found == [{"type": "title", "label": page.title, "url": page.url}]
    assert any("answering from the database" in r.getMessage() for r in caplog.records)
