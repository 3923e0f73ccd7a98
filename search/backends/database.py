"""The database engine: SQLite FTS5 on the embedded default, PostgreSQL full-text search
in production. Same query meaning as Elasticsearch:

* every syllable must appear (folded: no diacritics, any case), in the title or the text;
* a quoted phrase must appear as a phrase (folded);
* ranking adds exact-diacritics matches and the whole query as a phrase on top, with the
  title weighing more than the text.
"""

import operator
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from ..items import Item
from ..models import SearchEntry
from ..query import NEWEST, TOTAL_CAP, Hit, Results, SearchParams
from ..text import (
    ParsedQuery,
    exact_and_folded,
    exact_words,
    fold,
    fold_syllable,
    fold_words,
    snippet,
)
from . import tsvector

FTS_TABLE = "search_fts"
# bm25 column weights: title_exact, text_exact, title_folded, text_folded.
FTS_WEIGHTS = (8.0, 2.0, 4.0, 1.0)
# PostgreSQL: added for the whole query as a phrase (folded, and again for exact).
PHRASE_BONUS = 4


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Writing --------------------------------------------------------------------


def entry_for(item: Item) -> SearchEntry:
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
    )
    title = exact_words(item.title)
    entry.title_exact = " ".join(title)
    entry.title_folded = fold_words(title)
    if is_postgres():
        # The vectors themselves (tsvector.py); the long texts are not stored.
        (
            entry.exact_vector,
            entry.folded_vector,
            entry.head_exact_vector,
            entry.head_folded_vector,
        ) = tsvector.vectors(
            title, exact_words(item.search_text), exact_words(item.lead), fold_syllable
        )
    else:
        entry.text_exact, entry.text_folded = exact_and_folded(item.search_text)
    return entry


# PostgreSQL: rows are loaded with COPY, their tsvectors as literals built in Python
# (tsvector.py: what to_tsvector('simple', …) would return, for half of PostgreSQL's
# time). The long exact/folded texts only feed the vectors, so they are not stored (the
# titles are: they are short).
PG_COPY_COLUMNS = (
    "page_id",
    "kind",
    "title",
    "url",
    "date",
    "section_id",
    "section_title",
    "author_names",
    "tags",
    "view_count",
    "text",
    "title_exact",
    "title_folded",
    "text_exact",
    "text_folded",
    "exact_vector",
    "folded_vector",
    "head_exact_vector",
    "head_folded_vector",
    "stamp",
)
PG_COPY = f"COPY {SearchEntry._meta.db_table} ({', '.join(PG_COPY_COLUMNS)}) FROM STDIN"  # noqa: S608


_copy_row = operator.attrgetter(*PG_COPY_COLUMNS)


def _insert_postgres(entries: list[SearchEntry]) -> None:
    # text_exact and text_folded keep the model's default (empty) on PostgreSQL.
    with connection.cursor() as cursor, cursor.copy(PG_COPY) as copy:
        for entry in entries:
            copy.write_row(_copy_row(entry))


def write(items: Iterable[Item], replace_all: bool = False, batch_size: int = 500) -> int:
    """Insert or replace the entries of ``items`` (all entries when ``replace_all``).

    Runs in one transaction, so readers see the old index until it commits.
    """
    if replace_all and is_postgres() and not connection.in_atomic_block:
        return _rebuild_postgres(items, batch_size)
    count = 0
    with transaction.atomic():
        if replace_all:
            _delete_all()
        batch: list[Item] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                count += _store(_prepare(batch), replace=not replace_all)
                batch = []
        if batch:
            count += _store(_prepare(batch), replace=not replace_all)
    return count


@dataclass
class Batch:
    """What one batch of items writes: built in Python, stored by ``_store``."""

    ids: list[int]
    entries: list[SearchEntry]
    authors: list  # SearchEntry.authors.through rows


def _prepare(items: list[Item]) -> Batch:
    through = SearchEntry.authors.through
    return Batch(
        ids=[item.page_id for item in items],
        entries=[entry_for(item) for item in items],
        authors=[
            through(searchentry_id=item.page_id, author_id=author_id)
            for item in items
            for author_id in dict.fromkeys(item.author_ids)
        ],
    )


def _store(batch: Batch, replace: bool) -> int:
    if replace:
        delete(batch.ids)
    entries = batch.entries
    if is_postgres():
        _insert_postgres(entries)
    else:
        SearchEntry.objects.bulk_create(entries, batch_size=500)
    SearchEntry.authors.through.objects.bulk_create(batch.authors, batch_size=1000)
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, title_exact, text_exact, title_folded, "  # noqa: S608
                "text_folded) VALUES (%s, %s, %s, %s, %s)",
                [
                    (e.page_id, e.title_exact, e.text_exact, e.title_folded, e.text_folded)
                    for e in entries
                ],
            )
    return len(entries)


_DONE, _ABORT = object(), object()


def _rebuild_postgres(items: Iterable[Item], batch_size: int) -> int:
    """The full rebuild on PostgreSQL, in two threads: this one reads the pages and folds
    the text (Python), a writer thread stores each batch through its own connection, in
    one transaction (readers see the old index until it commits). PostgreSQL computes
    the vectors and updates the GIN index while Python prepares the next batch."""
    pending: queue.Queue = queue.Queue(maxsize=4)
    state: dict = {"count": 0, "error": None, "ended": False}

    def store_all():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # A bigger GIN pending list: fewer, larger merges while loading; emptied
                # before the commit so that searches do not scan it.
                cursor.execute("SET LOCAL gin_pending_list_limit = '32MB'")
                cursor.execute("SET LOCAL work_mem = '64MB'")
                _delete_all()
                while (batch := pending.get()) is not _DONE:
                    if batch is _ABORT:
                        state["ended"] = True
                        raise RuntimeError("rebuild aborted: reading the pages failed")
                    state["count"] += _store(batch, replace=False)
                state["ended"] = True
                for index in ("search_entry_folded_gin", "search_entry_head_gin"):
                    cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
                cursor.execute("ANALYZE search_searchentry")
        except BaseException as exc:  # re-raised in the calling thread
            state["error"] = exc
            while not state["ended"] and pending.get() not in (_DONE, _ABORT):
                pass  # let the producer finish putting
        finally:
            connection.close()

    writer = threading.Thread(target=store_all, name="search-db-rebuild", daemon=True)
    writer.start()
    finished = False
    try:
        batch: list[Item] = []
        for item in items:
            if state["error"] is not None:
                break
            batch.append(item)
            if len(batch) >= batch_size:
                pending.put(_prepare(batch))
                batch = []
        if batch and state["error"] is None:
            pending.put(_prepare(batch))
        finished = True
    finally:
        pending.put(_DONE if finished else _ABORT)
        writer.join()
    if state["error"] is not None:
        raise state["error"]
    return state["count"]


def delete(page_ids: Iterable[int]) -> None:
    ids = list(page_ids)
    if not ids:
        return
    SearchEntry.objects.filter(page_id__in=ids).delete()
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in ids])  # noqa: S608


def _delete_all() -> None:
    # Plain DELETEs: QuerySet.delete() loads every entry (vectors included) to cascade to
    # the authors table first, 35 s for 100,000 entries.
    tables = [SearchEntry.authors.through._meta.db_table, SearchEntry._meta.db_table]
    if not is_postgres():
        tables.append(FTS_TABLE)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - model table names


def stamps() -> dict[int, str]:
    return dict(SearchEntry.objects.values_list("page_id", "stamp"))


# --- Querying -------------------------------------------------------------------


def _filters(params: SearchParams) -> tuple[list[str], list]:
    where: list[str] = []
    args: list = []
    # PostgreSQL with a text query: the filters must not lead the plan. Driven by the kind
    # or date index, it tests the match on each row's big vector (750 ms for "Sở Y tế" in
    # articles, against 130 ms from the GIN index); "(…) IS TRUE" is not indexable.
    guard = "({}) IS TRUE" if params.query and is_postgres() else "{}"
    for column, op, value in (
        ("kind", "=", params.kind),
        ("date", ">=", params.start),
        ("date", "<", params.end),
        ("section_id", "=", params.section_id),
    ):
        if value is not None and value != "":
            where.append(guard.format(f"e.{column} {op} %s"))
            args.append(value)
    if params.author_id is not None:
        where.append(
            "e.page_id IN (SELECT a.searchentry_id FROM search_searchentry_authors a "
            "WHERE a.author_id = %s)"
        )
        args.append(params.author_id)
    return where, args


def _quote(word: str) -> str:
    # Tokens hold letters and digits only, so quoting cannot be escaped from.
    return f'"{word}"'


def fts5_expression(query: ParsedQuery) -> str:
    """MATCH expression: required folded terms and phrases, plus boosting clauses that
    never narrow the result (they hang off an OR with a required term)."""
    folded = "{title_folded text_folded}"
    required = [_quote(t) for t in query.folded_terms]
    required += ['"' + " ".join(p) + '"' for p in query.folded_phrases]
    match = f"{folded} : ({' AND '.join(required)})"
    boosts = [f"{{title_exact text_exact}} : ({' OR '.join(_quote(t) for t in query.exact_terms)})"]
    if len(query.terms) > 1:
        boosts.append(f'{folded} : ("{" ".join(fold_all(query))}")')
        boosts.append('{title_exact text_exact} : ("' + " ".join(query.terms) + '")')
    anchor = f"{folded} : ({_quote(query.folded_terms[0])})"
    return f"({match}) AND ({anchor} OR {' OR '.join(boosts)})"


def fold_all(query: ParsedQuery) -> list[str]:
    return [fold(t) for t in query.terms]


def tsquery_texts(query: ParsedQuery) -> tuple[str, str, str, str, str]:
    """(match, exact boost, folded phrase boost, exact phrase boost, any folded term) for
    to_tsquery."""
    required = [f"'{t}'" for t in query.folded_terms]
    required += ["(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in query.folded_phrases]
    exact_any = " | ".join(f"'{t}'" for t in query.exact_terms)
    phrase = " <-> ".join(f"'{w}'" for w in fold_all(query))
    exact_phrase = " <-> ".join(f"'{w}'" for w in query.terms)
    folded_any = " | ".join(f"'{t}'" for t in query.folded_terms)
    return " & ".join(required), exact_any, phrase, exact_phrase, folded_any


# PostgreSQL: a query that matches more than RANK_ALL entries is ranked in two steps, like
# Elasticsearch's rescore window: every match is ordered by the same score computed on the
# small title-and-lead vectors (stored in the row), and only the best RANK_WINDOW get the
# full score (the big text vectors, read from TOAST: reading them for 90,000 matches took
# over a second). A match whose only evidence is in the body can fall outside the window.
RANK_ALL = 1_000
RANK_WINDOW = 500
PG_QUERIES = (
    "to_tsquery('simple', %s) qm, to_tsquery('simple', %s) qe, to_tsquery('simple', %s) qp, "
    "to_tsquery('simple', %s) qpe, to_tsquery('simple', %s) qa"
)


def pg_score(prefix: str = "", folded_query: str = "qm") -> str:
    """ts_rank stays below 1: the whole query as a phrase outweighs any term counts (folded
    phrase +4 > 1 + 2, exact phrase +4 more), then exact diacritics, then folded terms."""
    folded, exact = f"e.{prefix}folded_vector", f"e.{prefix}exact_vector"
    return (
        f"(ts_rank({folded}, {folded_query}) + 2 * ts_rank({exact}, qe)"
        f" + {PHRASE_BONUS} * ({folded} @@ qp)::int + {PHRASE_BONUS} * ({exact} @@ qpe)::int)"
    )


@dataclass
class Statement:
    where: str  # " WHERE …" over search_searchentry e (and the FTS table / tsqueries)
    args: list  # for the tsqueries / MATCH, then the filters
    source: str  # " FROM …" the matches are read from
    select: str  # "SELECT e.page_id, <score> AS score"
    order: str


def _statement(params: SearchParams) -> Statement:
    where, args = _filters(params)
    query = params.query
    order_newest = "e.date DESC NULLS LAST, e.page_id DESC" if is_postgres() else None
    if not query:
        source, select, match_args = " FROM search_searchentry e", "SELECT e.page_id, NULL", []
        order = order_newest or "e.date IS NULL, e.date DESC, e.page_id DESC"
    elif is_postgres():
        source = f" FROM search_searchentry e, {PG_QUERIES}"
        select = f"SELECT e.page_id, {pg_score()}"
        match_args = list(tsquery_texts(query))
        where = ["e.folded_vector @@ qm", *where]
        order = "score DESC, e.page_id DESC"
    else:
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        source = f" FROM {FTS_TABLE} JOIN search_searchentry e ON e.page_id = {FTS_TABLE}.rowid"
        select = f"SELECT e.page_id, -bm25({FTS_TABLE}, {weights})"
        match_args = [fts5_expression(query)]
        where = [f"{FTS_TABLE} MATCH %s", *where]
        order = "score DESC, e.page_id DESC"
    if params.sort == NEWEST:
        order = order_newest or "e.date IS NULL, e.date DESC, e.page_id DESC"
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return Statement(clause, match_args + args, source, select + " AS score", order)


def _tuned(cursor) -> None:
    """PostgreSQL, for this transaction: no JIT (compiling costs more than these queries),
    and no sequential scan: with most of the archive matching the planner prefers one, and
    it reads every big vector to test the match, which the GIN index answers without."""
    if is_postgres():
        cursor.execute("SET LOCAL jit = off; SET LOCAL enable_seqscan = off")


def _count(cursor, statement: Statement, cap: int | None) -> int:
    if cap is None:
        sql = f"SELECT COUNT(*){statement.source}{statement.where}"  # noqa: S608
    else:
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1{statement.source}{statement.where} "  # noqa: S608
            f"LIMIT {int(cap) + 1}) capped"
        )
    cursor.execute(sql, statement.args)
    return cursor.fetchone()[0]


def count(params: SearchParams, cap: int | None = None) -> int:
    """Matches of ``params``, counted up to ``cap`` + 1 (all of them without a cap)."""
    if not params.runnable:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        _tuned(cursor)
        return _count(cursor, _statement(params), cap)


def _matching_ids(cursor, statement: Statement, cap: int) -> list[int]:
    """The ids of the matches, up to ``cap`` + 1: the count, as ids."""
    cursor.execute(
        f"SELECT e.page_id{statement.source}{statement.where} LIMIT {int(cap) + 1}",  # noqa: S608
        statement.args,
    )
    return [row[0] for row in cursor.fetchall()]


def _best(rows: list[tuple], window: int) -> list[int]:
    """The ids of the first ``window`` of (page id, score, head matches) rows in the order
    of the window queries in ``_window``: score descending (nulls last), then page id
    descending; the rows whose title and lead match first, when there are enough."""

    def top(candidates):
        ranked = sorted(candidates, key=lambda r: (r[1] is not None, r[1] or 0.0, r[0]))
        return [r[0] for r in reversed(ranked[-window:])]

    in_head = [row for row in rows if row[2]]
    return top(in_head) if len(in_head) >= window else top(rows)


def _page(
    cursor,
    statement: Statement,
    params: SearchParams,
    found: int,
    matches: list[int] | None = None,
) -> list[tuple]:
    """The rows of the page. ``matches``: the ids of every match when they are known
    (``_matching_ids``); then the match is not tested again."""
    end = params.offset + params.page_size
    limit = [params.page_size, params.offset]
    if not (is_postgres() and params.query and params.sort != NEWEST and found > RANK_ALL):
        if matches is None:
            cursor.execute(
                f"{statement.select}{statement.source}{statement.where} "
                f"ORDER BY {statement.order} LIMIT %s OFFSET %s",
                statement.args + limit,
            )
            return cursor.fetchall()
        ids = matches  # every match is scored
    else:
        ids = _window(cursor, statement, matches, max(RANK_WINDOW, end))
    cursor.execute(
        f"{statement.select} FROM search_searchentry e, {PG_QUERIES} "  # noqa: S608
        f"WHERE e.page_id = ANY(%s) ORDER BY {statement.order} LIMIT %s OFFSET %s",
        statement.args[:5] + [ids] + limit,
    )
    return cursor.fetchall()


def _window(cursor, statement: Statement, matches: list[int] | None, window: int) -> list[int]:
    """The ids of the best ``window`` matches by the title-and-lead score."""
    head_score = pg_score("head_", "qa")
    if matches is not None:
        cursor.execute(
            f"SELECT e.page_id, {head_score}, e.head_folded_vector @@ qm "  # noqa: S608
            f"FROM search_searchentry e, {PG_QUERIES} WHERE e.page_id = ANY(%s)",
            statement.args[:5] + [matches],
        )
        return _best(cursor.fetchall(), window)
    candidates = f"SELECT e.page_id{statement.source}{statement.where}"  # noqa: S608
    order = f" ORDER BY {head_score} DESC NULLS LAST, e.page_id DESC LIMIT %s"
    # First the entries with every word in the title or lead: the small vectors' GIN index
    # finds them, and such an entry matches (title and lead are in the text), so the big
    # vector is not read. All matches when those are too few.
    in_head = candidates.replace("e.folded_vector @@ qm", "e.head_folded_vector @@ qm", 1)
    cursor.execute(in_head + order, statement.args + [window])
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < window:
        cursor.execute(candidates + order, statement.args + [window])
        ids = [row[0] for row in cursor.fetchall()]
    return ids


HIT_FIELDS = ("page_id", "kind", "title", "url", "date", "section_title", "author_names", "text")


def search(params: SearchParams) -> Results:
    results = Results(page=params.page, page_size=params.page_size)
    query = params.query
    statement = _statement(params)
    with transaction.atomic(), connection.cursor() as cursor:
        _tuned(cursor)
        # Exact up to TOTAL_CAP: counting all 90,000 matches of a common word costs more
        # than finding the page (Elasticsearch: track_total_hits, the same cap).
        matches = None
        if is_postgres() and query and query.phrases:
            # A phrase is tested on each candidate's big vector (the GIN index has no
            # positions): counted as ids, so the page is found without testing it again.
            matches = _matching_ids(cursor, statement, TOTAL_CAP)
            found = len(matches)
        else:
            found = _count(cursor, statement, TOTAL_CAP)
        results.total = min(found, TOTAL_CAP)
        results.total_exact = found <= TOTAL_CAP
        if results.total == 0 or params.offset >= results.total:
            return results
        rows = _page(cursor, statement, params, found, matches if found <= TOTAL_CAP else None)
    # Not the vectors: only what a result shows.
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
                snippet=snippet(entry.text, query),
                score=round(float(score), 4) if score is not None else None,
            )
        )
    return results
