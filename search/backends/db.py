"""What both database engines share: the ``SearchEntry`` rows, their writing, the filters
and the shape of a search. The full-text part (FTS5 on SQLite, tsvector on PostgreSQL) is
each engine's own module; the query meaning is the same as Elasticsearch's:

* every syllable must appear (folded: no diacritics, any case), in the title or the text;
* a quoted phrase must appear as a phrase (folded);
* ranking adds exact-diacritics matches and the whole query as a phrase on top, with the
  title weighing more than the text.
"""

from abc import abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length

from core.pagecache import cached_until_publish
from news.models import Author

from ..items import Item, iter_items
from ..models import SearchEntry, SearchTerm
from ..query import NEWEST, TOTAL_CAP, Hit, Results, SearchParams
from ..suggest import TITLE, TITLE_LIMIT, Suggestion, SuggestQuery, authors_for
from ..text import exact_words, fold_syllable, fold_words, highlight, snippet
from .base import Progress, SearchEngine

AUTHOR_NAMES_SECONDS = 300

# Syllables kept in the vocabulary ("Có phải bạn muốn tìm: …"): words, not numbers or codes.
VOCABULARY_MAX_CHARS = 20
HIT_FIELDS = (
    "page_id",
    "kind",
    "title",
    "url",
    "date",
    "section_title",
    "author_names",
    "text",
    "site_id",
)


@dataclass
class Batch:
    """What one batch of items writes: built in Python, stored by ``store``."""

    ids: list[int]
    entries: list[SearchEntry]
    authors: list  # SearchEntry.authors.through rows
    words: set[str] = field(default_factory=set)  # the entries' syllables (vocabulary)


@dataclass
class Statement:
    where: str  # " WHERE …" over search_searchentry e (and the full-text source)
    args: list  # for the full-text match, then the filters
    source: str  # " FROM …" the matches are read from
    select: str  # "SELECT e.page_id, <score> AS score"
    order: str


def site_condition(condition: str, args: list, query: SuggestQuery) -> tuple[str, list]:
    """A suggestion's title condition, kept to the query's portal when it has one."""
    if query.site_id is None:
        return condition, args
    return f"{condition} AND e.site_id = %s", [*args, query.site_id]


def with_progress(items: Iterable[Item], progress: Progress):
    count = 0
    for item in items:
        yield item
        count += 1
        if progress and count % 1000 == 0:
            progress(count)
    if progress:
        progress(count)


class DatabaseEngine(SearchEngine):
    """The index in the portal's own database, always kept: it answers when Elasticsearch
    is not configured or fails."""

    name = "database"
    #: ``connection.vendor`` this engine is written for (a system check compares them).
    vendor: str
    #: Tables beside ``search_searchentry`` that hold the engine's full-text index.
    extra_tables: tuple[str, ...] = ()
    newest_order = "e.date IS NULL, e.date DESC, e.page_id DESC"

    # --- Writing ----------------------------------------------------------------

    def entry_for(self, item: Item) -> SearchEntry:
        entry = SearchEntry(
            page_id=item.page_id,
            kind=item.kind,
            title=item.title[:255],
            url=item.url[:1000],
            date=item.date,
            section_id=item.section_id,
            section_title=item.section_title[:255],
            author_names="\n".join(item.authors),
            tags="\n".join(item.tags),
            view_count=item.view_count,
            text=item.text,
            stamp=item.stamp[:300],
            site_id=item.site_id,
        )
        title = exact_words(item.title)
        entry.title_exact = " ".join(title)
        entry.title_folded = fold_words(title)
        entry.words = set(title)
        entry.words.update(self.add_full_text(entry, item, title))
        return entry

    @abstractmethod
    def add_full_text(self, entry: SearchEntry, item: Item, title: list[str]) -> list[str]:
        """Fill the engine's full-text fields of ``entry`` (``title``: its exact words);
        returns the exact words of the rest of the entry."""

    def insert(self, entries: list[SearchEntry]) -> None:
        SearchEntry.objects.bulk_create(entries, batch_size=500)

    def delete_full_text(self, page_ids: list[int]) -> None:
        """Remove these pages from the engine's own tables (the entries go anyway)."""

    def index(self, items: Iterable[Item]) -> int:
        return self.write(items)

    def rebuild(self, progress: Progress = None, chunk_size: int = 1000) -> int:
        items = iter_items(chunk_size=chunk_size)
        return self.write(with_progress(items, progress), replace_all=True)

    def write(self, items: Iterable[Item], replace_all: bool = False, batch_size: int = 500) -> int:
        """Insert or replace the entries of ``items`` (all entries when ``replace_all``).

        Runs in one transaction, so readers see the old index until it commits.
        """
        count = 0
        self._seen = set()
        with transaction.atomic():
            if replace_all:
                self.delete_all()
            batch: list[Item] = []
            for item in items:
                batch.append(item)
                if len(batch) >= batch_size:
                    count += self.store(self.prepare(batch), replace=not replace_all)
                    batch = []
            if batch:
                count += self.store(self.prepare(batch), replace=not replace_all)
        return count

    def prepare(self, items: list[Item]) -> Batch:
        through = SearchEntry.authors.through
        entries = [self.entry_for(item) for item in items]
        words: set[str] = set()
        for entry in entries:
            words.update(entry.words)
        return Batch(
            ids=[item.page_id for item in items],
            entries=entries,
            authors=[
                through(searchentry_id=item.page_id, author_id=author_id)
                for item in items
                for author_id in dict.fromkeys(item.author_ids)
            ],
            words=words,
        )

    def store(self, batch: Batch, replace: bool) -> int:
        if replace:
            self.delete(batch.ids)
        self.insert(batch.entries)
        SearchEntry.authors.through.objects.bulk_create(batch.authors, batch_size=1000)
        self.add_words(batch.words)
        return len(batch.entries)

    def add_words(self, words: set[str]) -> None:
        """Add the new syllables to the vocabulary (never pruned: a rebuild renews it)."""
        # Words this write already stored are skipped (a rebuild meets most words early).
        seen = self.__dict__.setdefault("_seen", set())
        new = [w for w in words - seen if w.isalpha() and len(w) <= VOCABULARY_MAX_CHARS]
        seen.update(words)
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=w, folded=fold_syllable(w)) for w in new],
            batch_size=1000,
            ignore_conflicts=True,
        )

    def replace_vocabulary(self, words: set[str]) -> None:
        """The vocabulary of a whole new index: these syllables, and no others."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SearchTerm._meta.db_table}")  # noqa: S608
        self._seen = set()
        self.add_words(words)

    def delete(self, page_ids: Iterable[int]) -> None:
        ids = list(page_ids)
        if not ids:
            return
        SearchEntry.objects.filter(page_id__in=ids).delete()
        self.delete_full_text(ids)

    def delete_all(self) -> None:
        # Plain DELETEs: QuerySet.delete() loads every entry (vectors included) to cascade
        # to the authors table first.
        tables = [
            SearchEntry.authors.through._meta.db_table,
            SearchEntry._meta.db_table,
            SearchTerm._meta.db_table,
            *self.extra_tables,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - model table names

    def stamps(self) -> dict[int, str]:
        return dict(SearchEntry.objects.values_list("page_id", "stamp"))

    # --- Vocabulary -------------------------------------------------------------

    def known_words(self, folded: Iterable[str]) -> set[str]:
        """Those of these folded syllables that some indexed page has."""
        return set(
            SearchTerm.objects.filter(folded__in=list(folded)).values_list("folded", flat=True)
        )

    def similar_words(self, folded: str) -> list[tuple[str, str]]:
        """(word, folded) of the vocabulary that ``folded`` may be a misspelling of:
        here, the words of about its length (the caller ranks them)."""
        size = len(folded)
        return list(
            SearchTerm.objects.annotate(size=Length("folded"))
            .filter(size__gte=size - 1, size__lte=size + 1)
            .values_list("word", "folded")
        )

    # --- Querying ---------------------------------------------------------------

    def filter_template(self, params: SearchParams) -> str:
        """How one filter condition is written (PostgreSQL keeps them off the plan's lead)."""
        return "{}"

    def filters(self, params: SearchParams) -> tuple[list[str], list]:
        where: list[str] = []
        args: list = []
        template = self.filter_template(params)
        for column, op, value in (
            ("kind", "=", params.kind),
            ("date", ">=", params.start),
            ("date", "<", params.end),
            ("section_id", "=", params.section_id),
            ("site_id", "=", params.site_id),
        ):
            if value is not None and value != "":
                where.append(template.format(f"e.{column} {op} %s"))
                args.append(value)
        if params.author_id is not None:
            where.append(
                "e.page_id IN (SELECT a.searchentry_id FROM search_searchentry_authors a "
                "WHERE a.author_id = %s)"
            )
            args.append(params.author_id)
        return where, args

    @abstractmethod
    def match(self, params: SearchParams) -> tuple[str, str, list, list[str]]:
        """(source, score expression, match args, match conditions) of a text query."""

    def statement(self, params: SearchParams) -> Statement:
        where, args = self.filters(params)
        if not params.query:
            source, select, match_args = " FROM search_searchentry e", "SELECT e.page_id, NULL", []
            order = self.newest_order
        else:
            source, score, match_args, conditions = self.match(params)
            select = f"SELECT e.page_id, {score}"
            where = [*conditions, *where]
            order = "score DESC, e.page_id DESC"
        if params.sort == NEWEST:
            order = self.newest_order
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        return Statement(clause, match_args + args, source, select + " AS score", order)

    def tune(self, cursor) -> None:
        """Settings for the statements of one search (in its transaction)."""

    def count_rows(self, cursor, statement: Statement, cap: int | None) -> int:
        if cap is None:
            sql = f"SELECT COUNT(*){statement.source}{statement.where}"  # noqa: S608
        else:
            sql = (
                f"SELECT COUNT(*) FROM (SELECT 1{statement.source}{statement.where} "  # noqa: S608
                f"LIMIT {int(cap) + 1}) capped"
            )
        cursor.execute(sql, statement.args)
        return cursor.fetchone()[0]

    def count(self, params: SearchParams, cap: int | None = None) -> int:
        """Matches of ``params``, counted up to ``cap`` + 1 (all of them without a cap)."""
        if not params.runnable:
            return 0
        with transaction.atomic(), connection.cursor() as cursor:
            self.tune(cursor)
            return self.count_rows(cursor, self.statement(params), cap)

    def found(
        self, cursor, statement: Statement, params: SearchParams, cap: int
    ) -> tuple[int, list[int] | None]:
        """(matches counted up to ``cap`` + 1, their ids when the engine read them)."""
        return self.count_rows(cursor, statement, cap), None

    def page(
        self,
        cursor,
        statement: Statement,
        params: SearchParams,
        found: int,
        matches: list[int] | None,
    ) -> list[tuple]:
        """(page id, score) rows of the requested page."""
        cursor.execute(
            f"{statement.select}{statement.source}{statement.where} "
            f"ORDER BY {statement.order} LIMIT %s OFFSET %s",
            [*statement.args, params.page_size, params.offset],
        )
        return cursor.fetchall()

    def search(self, params: SearchParams) -> Results:
        results = Results(page=params.page, page_size=params.page_size)
        statement = self.statement(params)
        with transaction.atomic(), connection.cursor() as cursor:
            self.tune(cursor)
            # Exact up to TOTAL_CAP: counting every match of a common word costs more than
            # finding the page (Elasticsearch: track_total_hits, the same cap).
            found, matches = self.found(cursor, statement, params, TOTAL_CAP)
            results.total = min(found, TOTAL_CAP)
            results.total_exact = found <= TOTAL_CAP
            if results.total == 0 or params.offset >= results.total:
                return results
            rows = self.page(
                cursor, statement, params, found, matches if found <= TOTAL_CAP else None
            )
        # Not the full-text columns: only what a result shows.
        entries = SearchEntry.objects.only(*HIT_FIELDS).in_bulk([page_id for page_id, _ in rows])
        for page_id, score in rows:
            entry = entries.get(page_id)
            if entry is None:
                continue
            results.hits.append(
                Hit(
                    page_id=entry.page_id,
                    kind=entry.kind,
                    title=entry.title,
                    url=entry.url,
                    date=entry.date,
                    section=entry.section_title,
                    authors=[a for a in entry.author_names.split("\n") if a],
                    snippet=snippet(entry.text, params.query),
                    score=round(float(score), 4) if score is not None else None,
                    title_html=highlight(entry.title, params.query),
                    site_id=entry.site_id,
                )
            )
        return results

    # --- Suggesting -------------------------------------------------------------

    @abstractmethod
    def title_match(self, query: SuggestQuery, in_order: bool) -> tuple[str, str, list]:
        """(source, condition, args) of the entries whose title holds every syllable of
        ``query`` (the last as a prefix); ``in_order``: in a row, in the query's order."""

    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        titles: dict[int, Suggestion] = {}
        steps = (True, False) if query.words else (False,)
        with transaction.atomic(), connection.cursor() as cursor:
            self.tune(cursor)
            for in_order in steps:
                wanted = TITLE_LIMIT - len(titles)
                if wanted <= 0:
                    break
                # The ones already found may come again: ask for as many more.
                rows = self.suggest_rows(cursor, query, in_order, wanted + len(titles))
                for page_id, title, url in rows:
                    if page_id not in titles and len(titles) < TITLE_LIMIT:
                        titles[page_id] = Suggestion(TITLE, title, url)
        return [*titles.values(), *self.suggest_authors(query)]

    def suggest_rows(self, cursor, query: SuggestQuery, in_order: bool, limit: int) -> list:
        """(page id, title, url) of the newest ``limit`` entries whose title matches."""
        source, condition, args = self.title_match(query, in_order)
        condition, args = site_condition(condition, args, query)
        cursor.execute(
            f"SELECT e.page_id, e.title, e.url{source} WHERE {condition} "  # noqa: S608
            f"ORDER BY {self.newest_order} LIMIT %s",
            [*args, limit],
        )
        return cursor.fetchall()

    def suggest_authors(self, query: SuggestQuery) -> list[Suggestion]:
        """Among the authors of indexed pages (a few hundred at most: matched in Python)."""

        def names():
            indexed = SearchEntry.authors.through.objects.filter(author_id=OuterRef("pk"))
            if query.site_id is not None:
                indexed = indexed.filter(searchentry__site_id=query.site_id)
            return list(Author.objects.filter(Exists(indexed)).order_by().values_list("pk", "name"))

        # Finding a portal's bylines joins every entry of that portal to its authors:
        # the same list for every keystroke until a page is published, so it is kept
        # until then (or AUTHOR_NAMES_SECONDS).
        key = f"search:suggest-authors:{query.site_id}"
        return authors_for(cached_until_publish(key, names, AUTHOR_NAMES_SECONDS), query)
