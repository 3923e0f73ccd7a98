"""A PostgreSQL rebuild outside a transaction fills a new table in worker processes and
swaps it in (search/backends/postgres_swap.py). The index it leaves holds what writing
entry by entry holds, under the names the migrations created; a failed rebuild leaves
the live index as it was; a page published while the table filled is indexed too."""

import pytest
from django.db import connection

from search.backends import postgres_swap
from search.backends.postgres import PostgresEngine
from search.models import SearchEntry, SearchTerm

from .conftest import aware, publish_article, publish_event

# The rebuild commits, and its workers read through connections of their own.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TABLE = SearchEntry._meta.db_table
AUTHORS = SearchEntry.authors.through._meta.db_table
ENTRY_COLUMNS = (
    "page_id, kind, title, url, date, section_id, section_title, author_names, tags, "
    "view_count, text, title_exact, title_folded, exact_vector::text, folded_vector::text, "
    "head_exact_vector::text, head_folded_vector::text, stamp, site_id"
)


def snapshot() -> tuple:
    """Every row of the index, its author rows and its vocabulary."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ENTRY_COLUMNS} FROM {TABLE} ORDER BY page_id")  # noqa: S608
        entries = cursor.fetchall()
        cursor.execute(f"SELECT searchentry_id, author_id FROM {AUTHORS} ORDER BY 1, 2")  # noqa: S608
        authors = cursor.fetchall()
    return entries, authors, sorted(SearchTerm.objects.values_list("word", "folded"))


def catalog() -> tuple:
    """The index's tables as migrations left them: indexes and constraints, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE tablename IN (%s, %s) ORDER BY 1, 2",
            [TABLE, AUTHORS],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid), "
            "convalidated FROM pg_constraint WHERE conrelid IN (%s::regclass, %s::regclass) "
            "ORDER BY 1, 2",
            [TABLE, AUTHORS],
        )
        constraints = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE %s", [f"{TABLE}_next%"])
        leftovers = cursor.fetchone()[0]
    return indexes, constraints, leftovers


def write_entry_by_entry() -> None:
    from django.db import transaction

    with transaction.atomic():  # inside a transaction the rebuild writes the live table
        PostgresEngine().rebuild()


@pytest.fixture
def pages():
    """Articles (with bylines) and an event, committed: the rebuild's workers read them
    through connections of their own."""
    from news.models import EventIndexPage, HomePage, NewsIndexPage

    home = HomePage.objects.get()
    section = home.add_child(instance=NewsIndexPage(title="Kiểm thử", slug="kiem-thu-swap"))
    section.save_revision().publish()
    calendar = home.add_child(instance=EventIndexPage(title="Lịch", slug="lich-swap"))
    calendar.save_revision().publish()
    for n in range(9):
        publish_article(
            section,
            f"Hội nghị lần {n}: hòa giải ở cơ sở",
            lead=f"Đồng chí Nguyễn Văn Phong chủ trì hội nghị thứ {n}.",
            paragraphs=["Khỏe mạnh, thuỷ lợi, UBND tỉnh; kinh tế - xã hội."],
            authors=["Vũ Hưng", "Trần Thu Oanh"][: 1 + n % 2],
            published=aware(2024, 1 + n, 3, 8),
        )
    publish_event(calendar, "Lễ hội đền Đô", aware(2025, 4, 1, 8), lead="Khai hội")
    return section


@pytest.fixture
def small_batches(monkeypatch):
    # Two workers, each copying several batches, even for a few pages.
    monkeypatch.setattr(postgres_swap, "BATCH", 2)


def test_the_swapped_table_holds_what_writing_entry_by_entry_holds(pages, small_batches):
    write_entry_by_entry()
    expected, shape = snapshot(), catalog()
    assert len(expected[0]) == 10 and expected[1] and expected[2]
    assert len(postgres_swap.page_ranges(2)) == 2

    count = postgres_swap.rebuild(PostgresEngine(), workers=2)

    assert count == len(expected[0])
    assert snapshot() == expected
    assert catalog() == shape
    assert shape[2] == 0  # no new table left behind


def test_a_search_after_the_swap_finds_articles_by_words_and_by_author(
    pages, small_batches, client, settings
):
    from news.models import Author

    settings.SEARCH_ENGINE = settings.SEARCH_DATABASE_ENGINE
    postgres_swap.rebuild(PostgresEngine(), workers=2)
    author = Author.objects.get(name="Trần Thu Oanh")
    found = client.get("/search/", {"q": "hoa giai", "format": "json"}).json()
    by_author = client.get("/search/", {"author": author.pk, "format": "json"}).json()
    assert found["total"] == 9
    assert by_author["total"] == 4
    assert all("Trần Thu Oanh" in hit["authors"] for hit in by_author["results"])


def test_a_failed_rebuild_leaves_the_live_index_as_it_was(pages, small_batches, monkeypatch):
    write_entry_by_entry()
    before, shape = snapshot(), catalog()
    prepare = PostgresEngine.prepare

    def failing(self, items):
        if any(item.kind == "event" for item in items):
            raise ValueError("a page that cannot be indexed")
        return prepare(self, items)

    monkeypatch.setattr(PostgresEngine, "prepare", failing)  # inherited by the workers
    with pytest.raises(ValueError, match="cannot be indexed"):
        postgres_swap.rebuild(PostgresEngine(), workers=2)
    assert snapshot() == before
    assert catalog() == shape


def test_a_page_published_while_the_table_fills_is_indexed(pages, small_batches, monkeypatch):
    load_all = postgres_swap._load_all
    late = {}

    def load_then_publish(tasks, progress):
        loaded = load_all(tasks, progress)
        late["page"] = publish_article(pages, "Tin muộn: đê điều mùa lũ", lead="Đắp đê")
        return loaded

    monkeypatch.setattr(postgres_swap, "_load_all", load_then_publish)
    count = postgres_swap.rebuild(PostgresEngine(), workers=2)
    entry = SearchEntry.objects.get(page_id=late["page"].pk)
    assert count == SearchEntry.objects.count() == 11
    assert entry.title == "Tin muộn: đê điều mùa lũ"


def test_a_second_rebuild_while_one_runs_fails_and_leaves_the_first_alone(pages):
    write_entry_by_entry()
    before = snapshot()
    running = connection.get_new_connection(connection.get_connection_params())
    running.autocommit = True
    try:
        with running.cursor() as cursor:  # what a running rebuild holds and fills
            cursor.execute("SELECT pg_advisory_lock(%s)", [postgres_swap.LOCK_KEY])
            cursor.execute(f"CREATE TABLE {postgres_swap.NEXT} (LIKE {TABLE})")
        with pytest.raises(postgres_swap.RebuildRunning):
            postgres_swap.rebuild(PostgresEngine(), workers=2)
        assert snapshot() == before
        with running.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [postgres_swap.NEXT])
            assert cursor.fetchone()[0]  # the running rebuild's table is still there
            cursor.execute(f"DROP TABLE {postgres_swap.NEXT}")
    finally:
        running.close()
    postgres_swap.rebuild(PostgresEngine(), workers=2)  # the lock went with its session
    assert snapshot() == before
