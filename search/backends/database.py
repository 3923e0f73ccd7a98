"""The database engine: SQLite FTS5 on the embedded default, PostgreSQL full-text search
in production. Same query meaning as Elasticsearch:

* every syllable must appear (folded: no diacritics, any case), in the title or the text;
* a quoted phrase must appear as a phrase (folded);
* ranking adds exact-diacritics matches and the whole query as a phrase on top, with the
  title weighing more than the text.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from ..items import Item
from ..models import SearchEntry
from ..query import NEWEST, TOTAL_CAP, Hit, Results, SearchParams
from ..text import ParsedQuery, exact_and_folded, fold, snippet

FTS_TABLE = "search_fts"
# bm25 column weights: title_exact, text_exact, title_folded, text_folded.
FTS_WEIGHTS = (8.0, 2.0, 4.0, 1.0)
# PostgreSQL: added for the whole query as a phrase (folded, and again for exact).
PHRASE_BONUS = 4


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Writing --------------------------------------------------------------------


def entry_for(item: Item) -> SearchEntry:
    title_exact, title_folded = exact_and_folded(item.title)
    text_exact, text_folded = exact_and_folded(item.search_text)
    return SearchEntry(
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
        title_exact=title_exact,
        text_exact=text_exact,
        title_folded=title_folded,
        text_folded=text_folded,
        stamp=item.stamp[:300],
    )


# PostgreSQL: rows are inserted with their tsvectors computed in the same statement (one
# write per row, no UPDATE pass). The long exact/folded texts only feed the vectors there,
# so they are not stored a second time (the titles are: they are short).
PG_COLUMNS = (
    ("page_id", "integer"),
    ("kind", "varchar"),
    ("title", "varchar"),
    ("url", "varchar"),
    ("date", "timestamptz"),
    ("section_id", "integer"),
    ("section_title", "varchar"),
    ("author_names", "text"),
    ("tags", "text"),
    ("view_count", "integer"),
    ("text", "text"),
    ("title_exact", "text"),
    ("title_folded", "text"),
    ("stamp", "varchar"),
)
PG_INSERT = (
    "INSERT INTO search_searchentry ("  # noqa: S608 - constant fragments only
    + ", ".join(name for name, _ in PG_COLUMNS)
    + ", text_exact, text_folded, exact_vector, folded_vector) SELECT "
    + ", ".join(f"v.{name}" for name, _ in PG_COLUMNS)
    + ", '', '', "
    "setweight(to_tsvector('simple', v.title_exact), 'A') "
    "|| setweight(to_tsvector('simple', v.text_exact), 'D'), "
    "setweight(to_tsvector('simple', v.title_folded), 'A') "
    "|| setweight(to_tsvector('simple', v.text_folded), 'D') FROM (VALUES ("
    + ", ".join(f"%s::{kind}" for _, kind in PG_COLUMNS)
    + ", %s::text, %s::text)) AS v("
    + ", ".join(name for name, _ in PG_COLUMNS)
    + ", text_exact, text_folded)"
)


def _insert_postgres(entries: list[SearchEntry]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            PG_INSERT,
            [
                [getattr(e, name) for name, _ in PG_COLUMNS] + [e.text_exact, e.text_folded]
                for e in entries
            ],
        )


def write(items: Iterable[Item], replace_all: bool = False, batch_size: int = 500) -> int:
    """Insert or replace the entries of ``items`` (all entries when ``replace_all``).

    Runs in one transaction, so readers see the old index until it commits.
    """
    count = 0
    with transaction.atomic():
        if replace_all:
            _delete_all()
        batch: list[Item] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                count += _write_batch(batch, replace=not replace_all)
                batch = []
        if batch:
            count += _write_batch(batch, replace=not replace_all)
    return count


def _write_batch(items: list[Item], replace: bool) -> int:
    ids = [item.page_id for item in items]
    if replace:
        delete(ids)
    entries = [entry_for(item) for item in items]
    if is_postgres():
        _insert_postgres(entries)
    else:
        SearchEntry.objects.bulk_create(entries, batch_size=500)
    through = SearchEntry.authors.through
    through.objects.bulk_create(
        [
            through(searchentry_id=item.page_id, author_id=author_id)
            for item in items
            for author_id in dict.fromkeys(item.author_ids)
        ],
        batch_size=1000,
    )
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
    return len(items)


def delete(page_ids: Iterable[int]) -> None:
    ids = list(page_ids)
    if not ids:
        return
    SearchEntry.objects.filter(page_id__in=ids).delete()
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in ids])  # noqa: S608


def _delete_all() -> None:
    SearchEntry.authors.through.objects.all().delete()
    SearchEntry.objects.all().delete()
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608


def stamps() -> dict[int, str]:
    return dict(SearchEntry.objects.values_list("page_id", "stamp"))


# --- Querying -------------------------------------------------------------------


def _filters(params: SearchParams) -> tuple[list[str], list]:
    where: list[str] = []
    args: list = []
    if params.kind:
        where.append("e.kind = %s")
        args.append(params.kind)
    if params.start:
        where.append("e.date >= %s")
        args.append(params.start)
    if params.end:
        where.append("e.date < %s")
        args.append(params.end)
    if params.section_id is not None:
        where.append("e.section_id = %s")
        args.append(params.section_id)
    if params.author_id is not None:
        where.append(
            "EXISTS (SELECT 1 FROM search_searchentry_authors a "
            "WHERE a.searchentry_id = e.page_id AND a.author_id = %s)"
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


def tsquery_texts(query: ParsedQuery) -> tuple[str, str, str, str]:
    """(match, exact boost, folded phrase boost, exact phrase boost) for to_tsquery."""
    required = [f"'{t}'" for t in query.folded_terms]
    required += ["(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in query.folded_phrases]
    exact_any = " | ".join(f"'{t}'" for t in query.exact_terms)
    phrase = " <-> ".join(f"'{w}'" for w in fold_all(query))
    exact_phrase = " <-> ".join(f"'{w}'" for w in query.terms)
    return " & ".join(required), exact_any, phrase, exact_phrase


def _statements(params: SearchParams) -> tuple[str, list, str, list, str]:
    """(ranked select, its arguments, match FROM/WHERE for counting, its arguments, order)."""
    where, args = _filters(params)
    query = params.query
    order_newest = "e.date DESC NULLS LAST, e.page_id DESC" if is_postgres() else None
    if not query:
        select = "SELECT e.page_id, NULL AS score FROM search_searchentry e"
        match_from = " FROM search_searchentry e"
        sql_args: list = []
        match_args: list = []
        order = order_newest or "e.date IS NULL, e.date DESC, e.page_id DESC"
    elif is_postgres():
        match, exact_any, phrase, exact_phrase = tsquery_texts(query)
        # ts_rank stays below 1: the whole query as a phrase outweighs any term counts
        # (folded phrase +4 > 1 + 2, exact phrase +4 more), then exact diacritics, then
        # the folded terms.
        select = (
            "SELECT e.page_id, (ts_rank(e.folded_vector, qm) + 2 * ts_rank(e.exact_vector, qe)"  # noqa: S608
            f" + {PHRASE_BONUS} * (e.folded_vector @@ qp)::int"
            f" + {PHRASE_BONUS} * (e.exact_vector @@ qpe)::int) AS score "
            "FROM search_searchentry e, to_tsquery('simple', %s) qm, "
            "to_tsquery('simple', %s) qe, to_tsquery('simple', %s) qp, "
            "to_tsquery('simple', %s) qpe"
        )
        sql_args = [match, exact_any, phrase, exact_phrase]
        where = ["e.folded_vector @@ qm", *where]
        match_from = " FROM search_searchentry e, to_tsquery('simple', %s) qm"
        match_args = [match]
        order = "score DESC, e.page_id DESC"
    else:
        expression = fts5_expression(query)
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        select = (
            f"SELECT e.page_id, -bm25({FTS_TABLE}, {weights}) AS score "  # noqa: S608
            f"FROM {FTS_TABLE} JOIN search_searchentry e ON e.page_id = {FTS_TABLE}.rowid"
        )
        sql_args = [expression]
        where = [f"{FTS_TABLE} MATCH %s", *where]
        match_from = f" FROM {FTS_TABLE} JOIN search_searchentry e ON e.page_id = {FTS_TABLE}.rowid"
        match_args = [expression]
        order = "score DESC, e.page_id DESC"
    if params.sort == NEWEST:
        order = order_newest or "e.date IS NULL, e.date DESC, e.page_id DESC"
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return select + clause, sql_args + args, match_from + clause, match_args + args, order


def count(params: SearchParams, cap: int | None = None) -> int:
    """Matches of ``params``, counted up to ``cap`` + 1 (all of them without a cap)."""
    if not params.runnable:
        return 0
    _, _, match, match_args, _ = _statements(params)
    if cap is None:
        sql = f"SELECT COUNT(*){match}"  # noqa: S608 - constant fragments only
    else:
        sql = f"SELECT COUNT(*) FROM (SELECT 1{match} LIMIT {int(cap) + 1}) capped"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, match_args)
        return cursor.fetchone()[0]


def search(params: SearchParams) -> Results:
    results = Results(page=params.page, page_size=params.page_size)
    query = params.query
    ranked, ranked_args, _, _, order = _statements(params)
    # The total is exact up to TOTAL_CAP: counting all 90,000 matches of a common word
    # costs more than ranking the page (Elasticsearch: track_total_hits, the same cap).
    found = count(params, cap=TOTAL_CAP)
    results.total = min(found, TOTAL_CAP)
    results.total_exact = found <= TOTAL_CAP
    if results.total == 0 or params.offset >= results.total:
        return results
    with connection.cursor() as cursor:
        cursor.execute(
            f"{ranked} ORDER BY {order} LIMIT %s OFFSET %s",
            ranked_args + [params.page_size, params.offset],
        )
        rows = cursor.fetchall()
    entries = SearchEntry.objects.in_bulk([page_id for page_id, _ in rows])
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
