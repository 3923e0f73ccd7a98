"""Search fixtures: a module-wide archive of a few hundred articles, and the engines.

Elasticsearch tests never skip: in the full pass they fail when ELASTICSEARCH_URL is
missing. The database engine's tests are also marked ``embedded`` (SQLite FTS5 pass).
"""

import os
import uuid
from datetime import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

ES_MISSING = (
    "ELASTICSEARCH_URL is not set: the Elasticsearch tests need a real node; run them "
    "through `scripts/services.sh run postgres redis elasticsearch -- ...` (make test does)."
)

ENGINES = [
    pytest.param("database", marks=pytest.mark.embedded, id="database"),
    pytest.param("elasticsearch", id="elasticsearch"),
]


def es_url() -> str:
    url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        pytest.fail(ES_MISSING)
    return url


ELASTIC_ENGINE = "search.backends.elastic.ElasticsearchEngine"


def use_engine(settings, name: str) -> None:
    """Answer from this engine (as settings derive SEARCH_ENGINE from ELASTICSEARCH_URL)."""
    if name == "elasticsearch":
        settings.ELASTICSEARCH_URL = es_url()
        settings.SEARCH_ENGINE = ELASTIC_ENGINE
    else:
        settings.ELASTICSEARCH_URL = ""
        settings.SEARCH_ENGINE = settings.SEARCH_DATABASE_ENGINE


def with_elasticsearch():
    """Settings with Elasticsearch configured (for module-wide fixtures)."""
    from django.test import override_settings

    return override_settings(
        ELASTICSEARCH_URL=os.environ["ELASTICSEARCH_URL"], SEARCH_ENGINE=ELASTIC_ENGINE
    )


@pytest.fixture(params=ENGINES)
def engine(request, settings):
    use_engine(settings, request.param)
    return request.param


def publish_article(parent, title, lead="", paragraphs=(), authors=(), published=None):
    from news.models import ArticleAuthor, ArticlePage, Author

    page = ArticlePage(
        title=title,
        slug=f"a-{uuid.uuid4().hex[:10]}",
        lead=lead,
        body=[("paragraph", f"<p>{p}</p>") for p in paragraphs],
        published_at=published,
    )
    parent.add_child(instance=page)
    for order, name in enumerate(authors):
        author, _ = Author.objects.get_or_create(name=name, role="Phóng viên")
        page.article_authors.add(ArticleAuthor(author=author, sort_order=order))
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def publish_event(parent, title, start, lead=""):
    from news.models import EventPage

    page = EventPage(title=title, slug=f"e-{uuid.uuid4().hex[:10]}", start_at=start, lead=lead)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return EventPage.objects.get(pk=page.pk)


def aware(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """300 generated articles, the real fixture article, decoys and events; both indexes
    rebuilt (Elasticsearch when configured). Removed again after the module."""
    from bench.search import corpus as generator
    from conftest import SEED_EXPORT
    from news.importer.service import import_file
    from news.models import EventIndexPage, HomePage, NewsIndexPage
    from search import service
    from search.backends import elastic

    with django_db_blocker.unblock():
        home = HomePage.objects.get()
        archive = home.add_child(instance=NewsIndexPage(title="Lưu trữ", slug="luu-tru-test"))
        archive.save_revision().publish()
        culture = home.add_child(
            instance=NewsIndexPage(title="Văn hóa - Xã hội", slug="van-hoa-test")
        )
        culture.save_revision().publish()
        calendar = home.add_child(instance=EventIndexPage(title="Lịch sự kiện", slug="lich-test"))
        calendar.save_revision().publish()
        roots = [archive, culture, calendar]
        # Rows the corpus creates outside its pages (authors, photos): removed afterwards
        # too, so later tests start from the same database as everyone else.
        from wagtail.images import get_image_model

        from news.models import Author

        authors_before = set(Author.objects.values_list("pk", flat=True))
        images_before = set(get_image_model().objects.values_list("pk", flat=True))
        try:
            result = import_file(SEED_EXPORT, archive)
            assert result.status == "created", result.reason
            fixture = result.page
            ns = SimpleNamespace(fixture=fixture, archive=archive, culture=culture)
            # Decoys for "Nguyễn Trọng Bình": the same syllables, apart, "trong" everywhere.
            ns.decoys = [
                publish_article(
                    archive,
                    f"Trong tháng {n}, trong tỉnh trong sạch trong xanh",
                    lead="Ông Nguyễn Văn An trong đoàn công tác đến huyện Gia Bình trong ngày.",
                    paragraphs=["Trong năm, trong đó, trong khi, trong ngoài đều tốt. " * 5],
                    published=aware(2020, 3, n + 1, 9),
                )
                for n in range(1, 4)
            ]
            # Exact diacritics against folded: lúa (rice) and lụa (silk) fold alike.
            ns.rice = publish_article(
                culture,
                "Tổng kết mùa lúa ở xã Đông Cứu",
                paragraphs=["Người dân xã Đông Cứu tổng kết mùa lúa năm nay."],
                published=aware(2019, 6, 1, 8),
            )
            ns.silk = publish_article(
                culture,
                "Tổng kết mùa lụa ở xã Đông Cứu",
                paragraphs=["Người dân xã Đông Cứu tổng kết mùa lụa năm nay."],
                published=aware(2019, 6, 2, 8),
            )
            # The exact tier across a page's parts: "lụa" in the title, "Tân Châu" in the
            # lead, "Kiều" in the byline; the other page has "lúa" (folded alike) and,
            # without the tier, would rank first (the syllables in its short title).
            ns.spread, ns.spread_folded = (
                publish_article(
                    culture,
                    title,
                    lead=lead,
                    authors=("Trần Kiều",),
                    published=aware(2017, 5, day, 8),
                )
                for day, title, lead in [
                    (2, "Hội chợ tơ lụa", "Xã Tân Châu mở hội chợ hằng năm."),
                    (3, "Lúa giống Tân Châu", "Xã Tân Châu mở hội chợ lúa giống."),
                ]
            )
            # Old tone placement, and a phrase's words out of order.
            ns.old_tone = publish_article(
                culture,
                "Phát huy vai trò tổ hòa giải ở cơ sở",
                paragraphs=["Các tổ hòa giải giúp người dân khỏe mạnh và đoàn kết."],
                published=aware(2018, 1, 5, 8),
            )
            ns.scattered = publish_article(
                culture,
                "Khen thưởng các tập thể",
                paragraphs=["Khen thưởng nhiều tập thể có thành tích trong phong trào thi đua."],
                published=aware(2018, 2, 5, 8),
            )
            ns.events = [
                publish_event(
                    calendar, "Đại hội thi đua yêu nước tỉnh lần thứ V", aware(2020, 9, 1, 8)
                ),
                publish_event(
                    calendar, "Hội nghị ký kết giao ước thi đua 2021", aware(2021, 3, 1, 8)
                ),
            ]
            # Without the party-congress topic ("Đại hội" fills its reports: the folding
            # tests look for the fixture, which has it nine times, on the first page) and
            # without names or places with a syllable of "Nguyễn Trọng Bình" (the decoys
            # for that name must rank right below the fixture).
            ns.generated = generator.bulk_articles(
                archive,
                300,
                seed=7,
                topics=[t.key for t in generator.TOPICS if t.key != "dai-hoi"],
                avoid=("Nguyễn", "Trọng", "Bình"),
            )
            service.rebuild("database")
            if os.environ.get("ELASTICSEARCH_URL"):
                with with_elasticsearch():
                    service.rebuild("elasticsearch")
            ns.calendar = calendar
            yield ns
        finally:
            from search.models import SearchEntry

            for root in roots:
                root.refresh_from_db()
                root.delete()
            SearchEntry.objects.all().delete()
            Author.objects.exclude(pk__in=authors_before).delete()
            get_image_model().objects.exclude(pk__in=images_before).delete()
            service.rebuild("database")
            if os.environ.get("ELASTICSEARCH_URL"):
                with with_elasticsearch():
                    elastic.drop()


@pytest.fixture(params=ENGINES)
def live_engine(request, settings):
    """An engine with an index of its own for this test (a private ES alias)."""
    from search.backends import elastic

    use_engine(settings, request.param)
    if request.param == "elasticsearch":
        settings.SEARCH_ES_INDEX = f"test-indexing-{request.node.name[-40:].lower()}"
        settings.SEARCH_ES_INDEX = "".join(
            c if c.isalnum() or c == "-" else "-" for c in settings.SEARCH_ES_INDEX
        )
        elastic.drop()
        yield request.param
        elastic.drop()
    else:
        yield request.param


@pytest.fixture
def es_alias(settings):
    """A private Elasticsearch alias for one test (dropped afterwards)."""
    from search.backends import elastic

    settings.SEARCH_ES_INDEX = f"test-{uuid.uuid4().hex[:12]}"
    yield settings.SEARCH_ES_INDEX
    if settings.ELASTICSEARCH_URL:
        elastic.drop()
