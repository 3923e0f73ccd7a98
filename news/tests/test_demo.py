import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from news.models import ArticlePage, EventPage, NewsIndexPage

pytestmark = pytest.mark.embedded


def test_load_demo_builds_a_believable_site_once(client, db):
    call_command("load_demo", verbosity=0)
    counts = (Page.objects.count(), Revision.objects.count())
    assert NewsIndexPage.objects.live().count() >= 3
    assert ArticlePage.objects.live().count() >= 21
    assert EventPage.objects.upcoming().exists() and EventPage.objects.past().exists()
    report = ArticlePage.objects.get(title__startswith="Cụm thi đua")
    photos = [b.value["image"] for b in report.body if b.block_type == "captioned_image"]
    assert len(photos) == 2 and all(photos)
    months = {p.published_at.strftime("%Y-%m") for p in ArticlePage.objects.all()}
    assert len(months) >= 4

    call_command("load_demo", verbosity=0)
    assert (Page.objects.count(), Revision.objects.count()) == counts
    assert client.get("/").status_code == 200
    assert client.get(report.url).status_code == 200
