"""What a citizen sees of the portal's frame and pages: the banner, date bar, header
search and footer from the site's settings, breadcrumbs, the home page's featured story
and section blocks, an article's reader tools and related articles, page numbers."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import Site

from core.models import PortalSettings
from news.models import ArticlePage, ArticleRelatedLink, EventIndexPage, EventPage, NewsIndexPage

pytestmark = pytest.mark.embedded


def soup_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def publish(section, title, days_ago=0, **fields):
    page = ArticlePage(
        title=title,
        published_at=timezone.now() - timedelta(days=days_ago),
        lead=f"Sapo của {title}.",
        **fields,
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def frame(home):
    settings = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    settings.portal_name = "Cổng thông tin điện tử tỉnh Thử Nghiệm"
    settings.tagline = "Ủy ban nhân dân tỉnh Thử Nghiệm"
    settings.owner_agency = "Văn phòng UBND tỉnh Thử Nghiệm"
    settings.responsible_person = "Trưởng ban biên tập: Lê Văn <b>Bình</b>"
    settings.address = "Số 9 đường Trần Hưng Đạo, thành phố Thử Nghiệm"
    settings.phone = "0222 3 822 222"
    settings.email = "cttdt@thunghiem.gov.vn"
    settings.licence = "Giấy phép số 99/GP-TTĐT ngày 02/01/2025"
    settings.source_notice = "Ghi rõ nguồn khi phát hành lại thông tin từ cổng này."
    settings.save()
    return settings


def test_banner_and_footer_come_from_the_site_settings(client, frame, section):
    page = soup_of(client, section.url)
    assert text(page.select_one(".site-brand__name")) == frame.portal_name
    assert text(page.select_one(".site-brand__tagline")) == frame.tagline
    assert page.select_one(".site-brand")["href"] == "/"
    assert page.title.get_text().endswith("| " + frame.portal_name)
    footer = page.select_one(".site-footer")
    facts = {
        text(row.select_one("dt")): text(row.select_one("dd"))
        for row in footer.select(".site-footer__facts > div")
    }
    assert facts == {
        "Cơ quan chủ quản:": frame.owner_agency,
        "Chịu trách nhiệm chính:": frame.responsible_person,
        "Địa chỉ:": frame.address,
        "Điện thoại:": frame.phone,
        "Email:": frame.email,
    }
    # Text from the settings is escaped like any other text.
    assert footer.select_one(".site-footer__responsible b") is None
    assert footer.select_one(".site-footer__phone a")["href"] == "tel:02223822222"
    assert footer.select_one(".site-footer__email a")["href"] == "mailto:" + frame.email
    assert text(footer.select_one(".site-footer__licence")) == frame.licence
    assert text(footer.select_one(".site-footer__notice")) == frame.source_notice


def test_a_change_of_settings_shows_on_the_next_page_view(
    client, frame, section, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600  # even through the page cache
    assert frame.portal_name in client.get(section.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        frame.portal_name = "Cổng thông tin điện tử tỉnh Mới Đổi Tên"
        frame.save()
    assert text(soup_of(client, section.url).select_one(".site-brand__name")) == (
        "Cổng thông tin điện tử tỉnh Mới Đổi Tên"
    )


def test_the_home_page_has_a_description_for_search_engines(client, frame, home):
    home.intro = "<p>Thông tin <b>chính thống</b> của tỉnh.</p>"
    home.save_revision().publish()
    description = soup_of(client, "/").select_one("meta[name=description]")
    assert description["content"] == "Thông tin chính thống của tỉnh."


def test_without_settings_the_banner_falls_back_to_the_site_name(client, section):
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Cổng TTĐT huyện Dự Phòng"
    site.save()
    page = soup_of(client, section.url)
    assert text(page.select_one(".site-brand__name")) == "Cổng TTĐT huyện Dự Phòng"
    assert page.select(".site-footer__facts > div") == []


def test_date_bar_shows_the_vietnamese_weekday_and_date(client, section, settings):
    settings.PAGE_CACHE_SECONDS = 0
    # Saturday 5 December 2026, 08:00 in Hà Nội.
    with time_machine.travel(datetime(2026, 12, 5, 1, 0, tzinfo=UTC), tick=False):
        bar = soup_of(client, section.url).select_one(".date-bar__today")
    assert text(bar) == "Thứ Bảy, 05/12/2026"
    assert bar.select_one("time")["datetime"] == "2026-12-05"


def test_every_page_has_a_plain_search_form_in_the_header(client, imported_article):
    for url in ("/", imported_article.url, "/search/?q=thi+đua"):
        form = soup_of(client, url).select_one(".site-header form[role=search]")
        assert form["method"] == "get" and form["action"] == "/search/"
        field = form.select_one("input[name=q]")
        label = form.select_one(f"label[for={field['id']}]")
        assert text(label) == "Tìm kiếm trên cổng thông tin"


def crumbs(page):
    nav = page.select_one("nav.breadcrumbs")
    return [(text(li), li.a["href"] if li.a else None) for li in nav.select("li")]


def test_breadcrumbs_lead_from_home_to_the_page(client, home, section):
    sub = section.add_child(instance=NewsIndexPage(title="Thời sự", slug="thoi-su"))
    sub.save_revision().publish()
    article = publish(sub, "Bài trong mục con")
    assert crumbs(soup_of(client, article.url)) == [
        ("Trang chủ", "/"),
        (section.title, section.url),
        (sub.title, sub.url),
        (article.title, None),
    ]
    assert crumbs(soup_of(client, section.url)) == [("Trang chủ", "/"), (section.title, None)]
    assert soup_of(client, "/").select_one("nav.breadcrumbs") is None
    assert crumbs(soup_of(client, "/search/")) == [("Trang chủ", "/"), ("Tìm kiếm", None)]


def test_event_pages_have_breadcrumbs_and_unbroken_times(client, home):
    events = home.add_child(instance=EventIndexPage(title="Lịch sự kiện", slug="su-kien"))
    events.save_revision().publish()
    start = timezone.now() + timedelta(days=2)
    event = events.add_child(
        instance=EventPage(
            title="Kỳ họp HĐND", slug="ky-hop", start_at=start, end_at=start + timedelta(hours=3)
        )
    )
    event.save_revision().publish()
    page = soup_of(client, event.url)
    assert crumbs(page) == [("Trang chủ", "/"), (events.title, events.url), (event.title, None)]
    assert len(page.select(".event__facts dd time")) == 2


def test_home_features_the_editors_choice_else_the_newest(
    client, home, section, django_capture_on_commit_callbacks
):
    older = publish(section, "Bài được chọn", days_ago=5)
    newest = publish(section, "Bài mới nhất", days_ago=0)
    featured = soup_of(client, "/").select_one(".featured")
    assert text(featured.select_one(".featured__title")) == newest.title
    assert text(featured.select_one(".featured__lead")) == newest.lead

    # The home's stories are kept until the next publish: the editor's choice shows
    # once it is published (and committed), not a render later.
    with django_capture_on_commit_callbacks(execute=True):
        home.featured_article = older
        home.save_revision().publish()
    page = soup_of(client, "/")
    assert text(page.select_one(".featured__title")) == older.title
    # The featured story is not repeated in the headlines beside it.
    assert older.title not in [text(a) for a in page.select(".headline-list a")]
    assert newest.title in [text(a) for a in page.select(".headline-list a")]

    with django_capture_on_commit_callbacks(execute=True):
        older.unpublish()
    assert text(soup_of(client, "/").select_one(".featured__title")) == newest.title


def test_the_home_shows_an_article_as_soon_as_it_is_published(
    client, home, section, django_capture_on_commit_callbacks
):
    publish(section, "Bài hôm qua", days_ago=1)
    assert text(soup_of(client, "/").select_one(".featured__title")) == "Bài hôm qua"
    with django_capture_on_commit_callbacks(execute=True):
        fresh = publish(section, "Bài vừa đăng")
    page = soup_of(client, "/")
    assert text(page.select_one(".featured__title")) == fresh.title
    assert fresh.title in [text(a) for a in page.select(".section-block .card__title a")]
    with django_capture_on_commit_callbacks(execute=True):
        fresh.unpublish()
    page = soup_of(client, "/")
    assert fresh.title not in page.get_text()


def test_home_has_a_block_per_section_with_thumbnails(client, home, section, imported_article):
    other = home.add_child(instance=NewsIndexPage(title="Chính trị", slug="chinh-tri"))
    other.save_revision().publish()
    for number in range(6):
        publish(other, f"Chính trị {number}", days_ago=number)
    publish(section, "Tin không ảnh", days_ago=1)
    page = soup_of(client, "/")
    blocks = {
        text(block.select_one(".block-title")): block for block in page.select(".section-block")
    }
    assert list(blocks) == ["Tin tức - Sự kiện", "Chính trị"]
    assert [text(t) for t in blocks["Chính trị"].select(".card__title")] == [
        f"Chính trị {n}" for n in range(4)
    ]
    news_cards = blocks["Tin tức - Sự kiện"].select(".card")
    assert [text(card.select_one(".card__title")) for card in news_cards] == [
        "Tin không ảnh",
        imported_article.title,
    ]
    # Every card keeps its media box: a photo, or a placeholder when there is none.
    assert news_cards[0].select_one(".card__media--placeholder") is not None
    assert news_cards[1].select_one(".card__media img") is not None


def test_home_sidebar_holds_most_read_tabs_and_the_visitor_widget(client, home, section):
    publish(section, "Bài có lượt xem", initial_view_count=500)
    page = soup_of(client, "/")
    sidebar = page.select_one("aside.sidebar")
    assert sidebar.select_one(".visitor-stats[data-stats-endpoint]") is not None
    assert page.select_one(".site-footer .visitor-stats") is None
    tabs = sidebar.select(".most-read__tabs input[type=radio]")
    assert [tab["value"] for tab in tabs] == ["today", "week", "month"]
    assert [tab.has_attr("checked") for tab in tabs] == [True, False, False]
    labels = [text(sidebar.select_one(f"label[for={tab['id']}]")) for tab in tabs]
    assert labels == ["Hôm nay", "Tuần này", "Tháng này"]
    for key in ("today", "week", "month"):
        panel = sidebar.select_one(f".most-read__period--{key}")
        assert "Bài có lượt xem" in text(panel)
    # Tabs need no script: the page carries only static scripts.
    assert all(
        script.has_attr("src") for script in page.select("script:not([type='application/ld+json'])")
    )


def test_article_has_share_links_print_and_font_size_without_inline_script(
    client, imported_article
):
    page = soup_of(client, imported_article.url)
    tools = page.select_one(".article-tools")
    share = {text(a): a["href"] for a in tools.select(".share a")}
    full_url = imported_article.full_url
    facebook = urlsplit(share["Facebook"])
    assert facebook.netloc == "www.facebook.com"
    assert parse_qs(facebook.query)["u"] == [full_url]
    assert parse_qs(urlsplit(share["Zalo"]).query)["url"] == [full_url]
    assert tools.select_one("[data-copy-url]")["data-copy-url"] == full_url
    assert text(tools.select_one("[data-copy-url]")) == "Sao chép liên kết"
    assert text(tools.select_one("[data-print]")) == "In bài viết"
    sizes = tools.select_one("[data-font-size]")
    assert sizes["aria-label"] == "Cỡ chữ"
    assert [text(b) for b in sizes.select("button")] == ["A-", "A", "A+"]
    # JSON-LD is data, not script; everything that runs is a static file of the site.
    scripts = page.select("script:not([type='application/ld+json'])")
    assert scripts and all(s.has_attr("src") for s in scripts)
    sources = [s["src"] for s in scripts]
    assert any(src.endswith("js/portal.js") for src in sources)
    assert all(src.startswith("/static/") for src in sources)  # nothing from a third party


def test_related_articles_are_the_editors_choice_else_same_section_or_tags(
    client, home, section, django_capture_on_commit_callbacks
):
    other = home.add_child(instance=NewsIndexPage(title="Kinh tế", slug="kinh-te"))
    other.save_revision().publish()
    article = publish(section, "Bài chính")
    article.tags.add("Nông thôn mới")
    article.save_revision().publish()
    neighbour = publish(section, "Cùng chuyên mục", days_ago=1)
    tagged = publish(other, "Cùng thẻ", days_ago=2)
    tagged.tags.add("Nông thôn mới")
    tagged.save_revision().publish()
    unrelated = publish(other, "Không liên quan", days_ago=3)

    def related():
        block = soup_of(client, article.url).select_one("section.related")
        return [text(t) for t in block.select(".card__title")] if block else []

    assert related() == [neighbour.title, tagged.title]
    ArticleRelatedLink.objects.create(page=article, related=unrelated, sort_order=0)
    # The block is kept until the next publish; the editor's choice goes live with one.
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=article.pk).save_revision().publish()
    assert related() == [unrelated.title]


def test_section_pages_are_numbered_and_refuse_pages_they_do_not_have(client, section, settings):
    settings.NEWS_PAGE_SIZE = 2
    for number in range(9):
        publish(section, f"Tin {number}", days_ago=number)
    page = soup_of(client, section.url, page=3)
    nav = page.select_one("nav.pagination")
    numbers = [text(a) for a in nav.select("a:not(.pagination__step)")]
    assert numbers == ["1", "2", "3", "4", "5"]
    current = nav.select_one("a[aria-current=page]")
    assert text(current) == "3" and current["href"] == "?page=3"
    assert nav.select_one("a[rel=prev]")["href"] == "?page=2"
    assert nav.select_one("a[rel=next]")["href"] == "?page=4"
    assert [text(t) for t in page.select(".card__title")] == ["Tin 4", "Tin 5"]
    assert client.get(section.url, {"page": 6}).status_code == 404
    assert client.get(section.url, {"page": "mười"}).status_code == 404
