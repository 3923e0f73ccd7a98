"""A fixed ceiling of SQL queries per page, so a regression (an N+1 in a listing, a
lookup per photo) fails the build. Pages are rendered uncached, as an anonymous reader,
on the demo site; the first request warms per-process caches (site root paths)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from news.models import ArticlePage, EventIndexPage, NewsIndexPage

pytestmark = pytest.mark.embedded

# The article's related articles are rendered once per publish (news_tags.related_articles),
# so the frame costs the article no query once warm.
MAX_QUERIES = {"home": 8, "section": 10, "article": 8, "events": 10}


@pytest.fixture
def demo_site(db, settings, client):
    # The embedded default's counters (database store): the same queries in every pass,
    # whether or not the suite runs with Redis.
    settings.STATS_REDIS_URL = None
    call_command("load_demo", verbosity=0)
    # The debug query log is a bounded deque: once the demo's thousands of queries fill
    # it, query counting would read 0. Start every measurement from an empty log.
    connection.queries_log.clear()
    # Measured on the district that holds the seed report, on its own host.
    site = Site.objects.get(hostname="yenphong.localhost")
    settings.ALLOWED_HOSTS = [site.hostname]
    client.defaults["HTTP_HOST"] = site.hostname
    home = site.root_page
    return {
        "home": "/",
        "section": NewsIndexPage.objects.child_of(home)
        .get(slug="tin-tuc-su-kien")
        .relative_url(site),
        "article": ArticlePage.objects.get(initial_view_count=161).relative_url(site),
        "events": EventIndexPage.objects.child_of(home).get().relative_url(site),
    }


@pytest.mark.parametrize("page", sorted(MAX_QUERIES))
def test_queries_per_page_stay_under_the_ceiling(
    client, demo_site, page, django_assert_max_num_queries
):
    url = demo_site[page]
    assert client.get(url).status_code == 200
    connection.queries_log.clear()
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200


def test_listing_queries_do_not_grow_with_the_number_of_articles(
    client, demo_site, django_assert_max_num_queries
):
    """Twice the articles on the section page, the same number of queries."""
    url = demo_site["section"]
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    baseline = len(before.captured_queries)
    section = NewsIndexPage.objects.get(url_path__startswith="/yen-phong/", slug="tin-tuc-su-kien")
    for number in range(8):
        page = ArticlePage(title=f"Tin bổ sung {number}", lead="Sapo.")
        section.add_child(instance=page)
        page.save_revision().publish()
    client.get(url)
    connection.queries_log.clear()
    assert baseline > 5
    with django_assert_max_num_queries(baseline):
        client.get(url)
