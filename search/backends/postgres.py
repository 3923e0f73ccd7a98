"""The PostgreSQL engine: tsvector columns of the entries, GIN-indexed.

``exact_vector`` / ``folded_vector`` cover the whole entry (title weight A, text D),
``head_exact_vector`` / ``head_folded_vector`` the title (A) and lead (B) only; the vectors
are built in Python (``tsvector.py``) and loaded with ``COPY``. A large match set is ranked
in two steps, like Elasticsearch's rescore window. docs/search.md describes each step and
what it costs.
"""

import operator

from django.db import connection, transaction

from ..items import Item
from ..models import SearchEntry
from ..query import NEWEST, SearchParams
from ..suggest import SuggestQuery
from ..text import ParsedQuery, exact_words, fold_syllable
from . import postgres_swap, tsvector
from .base import Progress
from .db import DatabaseEngine, Statement, site_condition

# Ranking tiers over ts_rank (each below 1): the whole query as a phrase (folded, and
# again exact), each adjacent syllable pair of the query, a page by the author the query
# names, an exact-diacritics match of every syllable of a query typed with diacritics.
# Each tier outweighs everything below it (24 syllables make at most 23 pairs).
PHRASE_BONUS = 4
PAIR_BONUS = 3
AUTHOR_BONUS = 100
EXACT_BONUS = 200

# Rows are loaded with COPY, their tsvectors as literals built in Python (what
# to_tsvector('simple', …) would return). The long exact/folded texts only feed the
# vectors, so they are not stored (the titles are: they are short).
COPY_COLUMNS = (
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
    "site_id",
)
TABLE = SearchEntry._meta.db_table
_copy_row = operator.attrgetter(*COPY_COLUMNS)

# A query that matches more than RANK_ALL entries is ranked in two steps: every match is
# ordered by the same score computed on the small title-and-lead vectors (stored in the
# row), and only the best RANK_WINDOW get the full score (the big text vectors, read from
# TOAST). A match whose only evidence is in the body can fall outside the window.
RANK_ALL = 1_000
RANK_WINDOW = 500
# Suggestions: the newest entries tested first (PostgresEngine.suggest_rows).
SUGGEST_RECENT = 2_000
QUERIES = (
    "to_tsquery('simple', %s) qm, to_tsquery('simple', %s) qe, to_tsquery('simple', %s) qp, "
    "to_tsquery('simple', %s) qpe, to_tsquery('simple', %s) qa, to_tsquery('simple', %s) qx, "
    "(SELECT coalesce(array_agg(to_tsquery('simple', t)), '{}') AS arr "
    "FROM unnest(%s::text[]) t) qpairs, "
    "(SELECT coalesce(array_agg(to_tsquery('simple', t)), '{}') AS arr "
    "FROM unnest(%s::text[]) t) qgroups, "
    "(SELECT %s::int[] AS ids) qauthors"
)
QUERY_ARGS = QUERIES.count("%s")


def _sequence(words) -> str:
    return " <-> ".join(f"'{w}'" for w in words)


def _group(group) -> str:
    return "(" + " | ".join("(" + " & ".join(f"'{w}'" for w in alt) + ")" for alt in group) + ")"


def tsquery_texts(query: ParsedQuery) -> list:
    """The arguments of QUERIES: (match, exact boost, folded phrase boost, exact phrase
    boost, any folded term, exact tier, pairs, groups, authors). Every word is letters
    and digits (``text.TOKEN_RE``), so nothing needs escaping."""
    groups = [_group(g) for g in query.match_groups]
    phrases = [f"({_sequence(p)})" for p in query.folded_phrases]
    exact_any = " | ".join(f"'{t}'" for t in query.exact_terms)
    phrase = " | ".join(f"({_sequence(v)})" for v in query.phrase_variants)
    exact_phrase = _sequence(query.terms) if len(query.terms) > 1 else ""
    folded_any = " | ".join(f"'{w}'" for g in query.match_groups for alt in g for w in alt)
    return [
        # Relaxed queries have no quoted phrase (``semantics.relaxed``).
        " | ".join(groups) if query.min_match else " & ".join(groups + phrases),
        exact_any,
        phrase,
        exact_phrase,
        folded_any,
        " & ".join(f"'{t}'" for t in query.exact_required),
        [_sequence(pair) for pair in query.pairs],
        groups,
        list(query.author_ids),
    ]


AUTHOR_MATCH = (
    "(e.page_id IN (SELECT a.searchentry_id FROM search_searchentry_authors a "
    "WHERE a.author_id = ANY(qauthors.ids)))"
)


def score(query: ParsedQuery, prefix: str = "", folded_query: str = "qm") -> str:
    """ts_rank stays below 1: the whole query as a phrase outweighs any term counts (folded
    phrase +4 > 1 + 2, exact phrase +4 more), then exact diacritics, then folded terms;
    pairs, the named author and the exact tier above (see the bonuses). A tier the query
    does not have is left out (each is a test per scored row)."""
    folded, exact = f"e.{prefix}folded_vector", f"e.{prefix}exact_vector"
    parts = [
        f"ts_rank({folded}, {folded_query}) + 2 * ts_rank({exact}, qe)",
        f"{PHRASE_BONUS} * ({folded} @@ qp)::int + {PHRASE_BONUS} * ({exact} @@ qpe)::int",
    ]
    parts += [
        f"{PAIR_BONUS} * ({folded} @@ qpairs.arr[{n}])::int" for n in range(1, len(query.pairs) + 1)
    ]
    if query.author_ids:
        parts.append(f"{AUTHOR_BONUS} * {AUTHOR_MATCH}::int")
    if query.exact_required:
        parts.append(f"{EXACT_BONUS} * ({exact} @@ qx)::int")
    return "(" + " + ".join(parts) + ")"


def best(rows: list[tuple], window: int) -> list[int]:
    """The ids of the first ``window`` of (page id, score, head matches) rows in the order
    of the window queries in ``PostgresEngine.window``: score descending (nulls last), then
    page id descending; the rows whose title and lead match first, when there are enough."""

    def top(candidates):
        ranked = sorted(candidates, key=lambda r: (r[1] is not None, r[1] or 0.0, r[0]))
        return [r[0] for r in reversed(ranked[-window:])]

    in_head = [row for row in rows if row[2]]
    return top(in_head) if len(in_head) >= window else top(rows)


class PostgresEngine(DatabaseEngine):
    vendor = "postgresql"
    newest_order = "e.date DESC NULLS LAST, e.page_id DESC"

    # --- Writing ----------------------------------------------------------------

    def add_full_text(self, entry: SearchEntry, item: Item, title: list[str]) -> list[str]:
        # The vectors themselves; the long texts are not stored.
        words = exact_words(item.search_text)
        (
            entry.exact_vector,
            entry.folded_vector,
            entry.head_exact_vector,
            entry.head_folded_vector,
        ) = tsvector.vectors(title, words, exact_words(item.lead), fold_syllable)
        return words

    def insert(self, entries: list[SearchEntry], table: str = TABLE) -> None:
        # text_exact and text_folded keep the model's default (empty).
        copy_sql = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for entry in entries:
                copy.write_row(_copy_row(entry))

    def rebuild(self, progress: Progress = None, chunk_size: int = 1000) -> int:
        if connection.in_atomic_block:  # the caller's transaction (tests, signals)
            return super().rebuild(progress, chunk_size)
        return postgres_swap.rebuild(self, progress, chunk_size)

    def similar_words(self, folded: str) -> list[tuple[str, str]]:
        """The closest words by trigram similarity (pg_trgm, its GIN index): syllables are
        short, so the threshold is lower than pg_trgm's default 0.3."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.2")
            cursor.execute(
                "SELECT word, folded FROM search_searchterm WHERE folded %% %s "
                "ORDER BY similarity(folded, %s) DESC, word LIMIT 50",
                [folded, folded],
            )
            return cursor.fetchall()

    # --- Querying ---------------------------------------------------------------

    def filter_template(self, params: SearchParams) -> str:
        # With a text query the filters must not lead the plan: driven by the kind or date
        # index, it tests the match on each row's big vector, where the GIN index needs
        # none. "(…) IS TRUE" is not indexable.
        return "({}) IS TRUE" if params.query else "{}"

    def match(self, params: SearchParams) -> tuple[str, str, list, list[str]]:
        source = f" FROM search_searchentry e, {QUERIES}"
        conditions = ["e.folded_vector @@ qm"]
        if params.query.min_match:
            # Relaxed: any group finds the candidates (GIN), enough of them must match.
            conditions.append(
                "(SELECT count(*) FROM unnest(qgroups.arr) q WHERE e.folded_vector @@ q) "  # noqa: S608
                f">= {int(params.query.min_match)}"
            )
        return source, score(params.query), tsquery_texts(params.query), conditions

    def tune(self, cursor) -> None:
        """No JIT (compiling costs more than these queries), and no sequential scan: with
        most of the archive matching the planner prefers one, and it reads every big vector
        to test the match, which the GIN index answers without."""
        cursor.execute("SET LOCAL jit = off; SET LOCAL enable_seqscan = off")

    def found(
        self, cursor, statement: Statement, params: SearchParams, cap: int
    ) -> tuple[int, list[int] | None]:
        query = params.query
        if not (query and (query.phrases or query.min_match)):
            return super().found(cursor, statement, params, cap)
        # A phrase (or a relaxed count) is tested on each candidate's big vector (the GIN
        # index has no positions): counted as ids, so the page is found without testing
        # it again.
        cursor.execute(
            f"SELECT e.page_id{statement.source}{statement.where} LIMIT {int(cap) + 1}",  # noqa: S608
            statement.args,
        )
        matches = [row[0] for row in cursor.fetchall()]
        return len(matches), matches

    def page(
        self,
        cursor,
        statement: Statement,
        params: SearchParams,
        found: int,
        matches: list[int] | None,
    ) -> list[tuple]:
        """``matches``: the ids of every match when they are known; then the match is not
        tested again."""
        end = params.offset + params.page_size
        if params.query and params.sort != NEWEST and found > RANK_ALL:
            ids = self.window(cursor, statement, matches, max(RANK_WINDOW, end), params.query)
        elif matches is not None:
            ids = matches  # every match is scored
        else:
            return super().page(cursor, statement, params, found, matches)
        cursor.execute(
            f"{statement.select} FROM search_searchentry e, {QUERIES} "  # noqa: S608
            f"WHERE e.page_id = ANY(%s) ORDER BY {statement.order} LIMIT %s OFFSET %s",
            [*statement.args[:QUERY_ARGS], ids, params.page_size, params.offset],
        )
        return cursor.fetchall()

    def window(
        self,
        cursor,
        statement: Statement,
        matches: list[int] | None,
        size: int,
        query: ParsedQuery,
    ) -> list[int]:
        """The ids of the best ``size`` matches by the title-and-lead score."""
        head_score = score(query, "head_", "qa")
        if matches is not None:
            cursor.execute(
                f"SELECT e.page_id, {head_score}, e.head_folded_vector @@ qm "  # noqa: S608
                f"FROM search_searchentry e, {QUERIES} WHERE e.page_id = ANY(%s)",
                [*statement.args[:QUERY_ARGS], matches],
            )
            return best(cursor.fetchall(), size)
        candidates = f"SELECT e.page_id{statement.source}{statement.where}"  # noqa: S608
        order = f" ORDER BY {head_score} DESC NULLS LAST, e.page_id DESC LIMIT %s"
        # First the entries with every word in the title or lead: the small vectors' GIN
        # index finds them, and such an entry matches (title and lead are in the text), so
        # the big vector is not read. All matches when those are too few.
        in_head = candidates.replace("e.folded_vector @@ qm", "e.head_folded_vector @@ qm", 1)
        cursor.execute(in_head + order, [*statement.args, size])
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) < size:
            cursor.execute(candidates + order, [*statement.args, size])
            ids = [row[0] for row in cursor.fetchall()]
        return ids

    # --- Suggesting -------------------------------------------------------------

    def title_match(self, query: SuggestQuery, in_order: bool) -> tuple[str, str, list]:
        # The head vector holds the title at weight A (the lead is B): A keeps the lead out.
        words = [*(f"'{w}':A" for w in query.words), f"'{query.prefix}':*A"]
        text = (" <-> " if in_order else " & ").join(words)
        return (
            " FROM search_searchentry e",
            "e.head_folded_vector @@ to_tsquery('simple', %s)",
            [text],
        )

    def suggest_rows(self, cursor, query: SuggestQuery, in_order: bool, limit: int) -> list:
        """The newest matches, in two steps, each bounded whatever the query: a prefix of
        one or two letters matches most titles, a rare word almost none.

        1. The SUGGEST_RECENT newest entries (the date index, read backwards), tested on
           their small in-row title-and-lead vector. When ``limit`` of them match, they
           are the newest matches of the whole index.
        2. Otherwise matches are rare: the GIN index of the titles' words finds them all
           (the title-and-lead index would also find every entry with the words in its
           lead), then they are tested and ordered like the first step's.
        """
        _, condition, args = self.title_match(query, in_order)
        condition, args = site_condition(condition, args, query)
        cursor.execute(
            "SELECT page_id, title, url FROM (SELECT e.page_id, e.title, e.url, e.date, "  # noqa: S608
            "e.head_folded_vector, e.site_id FROM search_searchentry e "
            "WHERE e.date IS NOT NULL "
            "ORDER BY e.date DESC LIMIT %s) e "
            f"WHERE {condition} ORDER BY e.date DESC, e.page_id DESC LIMIT %s",
            [SUGGEST_RECENT, *args, limit],
        )
        rows = cursor.fetchall()
        if len(rows) >= limit:
            return rows
        words = [*(f"'{w}'" for w in query.words), f"'{query.prefix}':*"]
        cursor.execute(
            "SELECT e.page_id, e.title, e.url FROM search_searchentry e "  # noqa: S608
            "WHERE to_tsvector('simple'::regconfig, e.title_folded) @@ to_tsquery('simple', %s) "
            f"AND {condition} ORDER BY {self.newest_order} LIMIT %s",
            [" & ".join(words), *args, limit],
        )
        return cursor.fetchall()
