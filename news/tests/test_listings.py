"""Sections, the home page and events as readers browse them."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from icalendar import Calendar

from news.models import ArticlePage, EventIndexPage, EventPage

pytestmark = pytest.mark.embedded


def publish_article(section, title, days_ago):
    page = ArticlePage(
        title=title, published_at=timezone.now() - timedelta(days=days_ago), lead="Sapo."
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


def titles(html, selector=".card__title"):
    soup = BeautifulSoup(html, "html.parser")
    return [node.get_text(strip=True) for node in soup.select(selector)]


def test_section_lists_newest_first_and_paginates(client, section, settings):
    settings.NEWS_PAGE_SIZE = 2
    for days, title in [(3, "Ba"), (1, "Một"), (2, "Hai")]:
        publish_article(section, title, days)
    assert titles(client.get(section.url).content) == ["Một", "Hai"]
    assert titles(client.get(section.url + "?page=2").content) == ["Ba"]
    # A page that the list does not have is not silently another page.
    for bad in ("abc", "99", "0", "-1"):
        assert client.get(section.url, {"page": bad}).status_code == 404


def test_imported_article_sorts_on_its_original_date(client, section, imported_article):
    publish_article(section, "Tin mới", 1)
    assert titles(client.get(section.url).content)[-1] == imported_article.title


def test_home_shows_latest_news_and_upcoming_events(client, home, section):
    publish_article(section, "Tin nóng", 0)
    events = home.add_child(instance=EventIndexPage(title="Sự kiện", slug="su-kien"))
    upcoming = events.add_child(
        instance=EventPage(
            title="Hội nghị sắp tới", slug="sap-toi", start_at=timezone.now() + timedelta(days=3)
        )
    )
    events.add_child(
        instance=EventPage(
            title="Hội nghị đã qua", slug="da-qua", start_at=timezone.now() - timedelta(days=3)
        )
    )
    html = client.get("/").content.decode()
    assert "Tin nóng" in titles(html)
    assert upcoming.title in titles(html, ".event-card__title")
    assert "Hội nghị đã qua" not in html


def test_events_index_and_icalendar(client, home):
    events = home.add_child(instance=EventIndexPage(title="Sự kiện", slug="su-kien"))
    start = timezone.now() + timedelta(days=5)
    event = events.add_child(
        instance=EventPage(
            title="Kỳ họp HĐND",
            slug="ky-hop",
            start_at=start,
            end_at=start + timedelta(hours=3),
            location="Hội trường UBND huyện",
            organiser="Thường trực HĐND",
        )
    )
    events.add_child(
        instance=EventPage(
            title="Lễ hội", slug="le-hoi", start_at=start - timedelta(days=30), all_day=True
        )
    )
    html = client.get(events.url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    upcoming, past = soup.select("main section")
    assert "Kỳ họp HĐND" in upcoming.get_text() and "Lễ hội" in past.get_text()

    response = client.get(event.url + "ical/")
    assert response["Content-Type"].startswith("text/calendar")
    (vevent,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Kỳ họp HĐND"
    assert str(vevent["LOCATION"]) == "Hội trường UBND huyện"
    assert vevent.decoded("DTSTART") == start.replace(microsecond=0) or abs(
        vevent.decoded("DTSTART") - start
    ) < timedelta(seconds=1)

    feed = Calendar.from_ical(client.get(events.url + "ical/").content)
    assert sorted(str(e["SUMMARY"]) for e in feed.walk("VEVENT")) == ["Kỳ họp HĐND", "Lễ hội"]


def test_event_end_before_start_is_rejected(home):
    from django.core.exceptions import ValidationError

    events = home.add_child(instance=EventIndexPage(title="Sự kiện", slug="su-kien"))
    start = timezone.now()
    event = EventPage(title="Sai", slug="sai", start_at=start, end_at=start - timedelta(hours=1))
    with pytest.raises(ValidationError):
        events.add_child(instance=event)
        event.full_clean()


def test_menu_follows_publishing(client, home, section, django_capture_on_commit_callbacks):
    from news.models import NewsIndexPage

    section.show_in_menus = True
    section.save_revision().publish()

    def menu(url="/"):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        return [(a.get_text(), a.get("aria-current")) for a in soup.select(".site-nav a")]

    assert ("Tin tức - Sự kiện", None) in menu()
    assert ("Tin tức - Sự kiện", "page") in menu(section.url)
    with django_capture_on_commit_callbacks(execute=True):
        page = home.add_child(
            instance=NewsIndexPage(title="Chính trị", slug="chinh-tri", show_in_menus=True)
        )
        page.save_revision().publish()
    assert ("Chính trị", None) in menu()
