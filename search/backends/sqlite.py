"""The SQLite engine (the embedded default): an FTS5 table beside the entries.

``search_fts(title_exact, text_exact, title_folded, text_folded)``, ``unicode61
remove_diacritics 0``, rowid = page id. The query requires the folded terms and phrases and
hangs the boosting clauses off an ``OR`` with a required term, so they never narrow the
result; ranked by ``bm25`` with the title weighing more than the text.
"""

from django.db import connection

from ..items import Item
from ..models import SearchEntry
from ..query import SearchParams
from ..suggest import SuggestQuery
from ..text import ParsedQuery, exact_words, fold_words
from .db import DatabaseEngine

FTS_TABLE = "search_fts"
# bm25 column weights: title_exact, text_exact, title_folded, text_folded.
FTS_WEIGHTS = (8.0, 2.0, 4.0, 1.0)
FOLDED = "{title_folded text_folded}"
EXACT = "{title_exact text_exact}"
# Ranking tiers over -bm25 (far smaller): each adjacent pair of the query, the whole
# query as a phrase, a page by the author the query names, an exact-diacritics match of
# every syllable of a query typed with diacritics. Each outweighs everything below it.
PAIR_BONUS = 100
PHRASE_BONUS = 1_000
AUTHOR_BONUS = 10_000
EXACT_BONUS = 100_000


def _quote(word: str) -> str:
    # Tokens hold letters and digits only, so quoting cannot be escaped from.
    return f'"{word}"'


def _group(group) -> str:
    alternatives = [
        _quote(alt[0]) if len(alt) == 1 else "(" + " AND ".join(map(_quote, alt)) + ")"
        for alt in group
    ]
    return alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})"


def fts5_expression(query: ParsedQuery) -> str:
    """MATCH expression: required folded groups (any one when relaxed: the count is a
    condition of its own), plus boosting clauses that never narrow the result (they hang
    off an OR with a required group)."""
    groups = [_group(g) for g in query.match_groups]
    required = groups + ['"' + " ".join(p) + '"' for p in query.folded_phrases]
    match = f"{FOLDED} : ({(' OR ' if query.min_match else ' AND ').join(required)})"
    boosts = [f"{EXACT} : ({' OR '.join(_quote(t) for t in query.exact_terms)})"]
    if len(query.terms) > 1:
        boosts += [f"{FOLDED} : ({_quote(' '.join(v))})" for v in query.phrase_variants]
        boosts.append(f"{EXACT} : ({_quote(' '.join(query.terms))})")
    anchor = f"{FOLDED} : ({' OR '.join(groups)})"
    return f"({match}) AND ({anchor} OR {' OR '.join(boosts)})"


def _matches(expression: str) -> str:
    """1 when the entry matches ``expression`` (an FTS5 expression of quoted tokens,
    column filters and operators: no SQL quote can occur in it)."""
    if "'" in expression:  # cannot happen (TOKEN_RE); kept as the literal's guard
        raise ValueError(expression)
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH '{expression}'"  # noqa: S608
    return f"(e.page_id IN ({sql}))"


def tiers(query: ParsedQuery) -> str:
    parts = [
        f"{PAIR_BONUS} * {_matches(f'{FOLDED} : ' + _quote(' '.join(p)))}" for p in query.pairs
    ]
    if query.phrase_variants:
        variants = " OR ".join(_quote(" ".join(v)) for v in query.phrase_variants)
        parts.append(f"{PHRASE_BONUS} * {_matches(f'{FOLDED} : ({variants})')}")
    if query.author_ids:
        ids = ", ".join(str(int(i)) for i in query.author_ids)
        parts.append(
            f"{AUTHOR_BONUS} * (e.page_id IN (SELECT a.searchentry_id FROM "  # noqa: S608
            f"search_searchentry_authors a WHERE a.author_id IN ({ids})))"
        )
    if query.exact_required:
        required = " AND ".join(_quote(t) for t in query.exact_required)
        parts.append(f"{EXACT_BONUS} * {_matches(f'{EXACT} : ({required})')}")
    return "".join(f" + {p}" for p in parts)


class SqliteEngine(DatabaseEngine):
    vendor = "sqlite"
    extra_tables = (FTS_TABLE,)

    def add_full_text(self, entry: SearchEntry, item: Item, title: list[str]) -> list[str]:
        # The text column starts with the title again: a quoted phrase may run from the
        # title into the lead, as on the other engines, which see one sequence.
        words = exact_words(item.search_text)
        exact = title + words
        entry.text_exact, entry.text_folded = " ".join(exact), fold_words(exact)
        return words

    def insert(self, entries: list[SearchEntry]) -> None:
        super().insert(entries)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, title_exact, text_exact, title_folded, "  # noqa: S608
                "text_folded) VALUES (%s, %s, %s, %s, %s)",
                [
                    (e.page_id, e.title_exact, e.text_exact, e.title_folded, e.text_folded)
                    for e in entries
                ],
            )

    def delete_full_text(self, page_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
                [(i,) for i in page_ids],
            )

    def match(self, params: SearchParams) -> tuple[str, str, list, list[str]]:
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        source = f" FROM {FTS_TABLE} JOIN search_searchentry e ON e.page_id = {FTS_TABLE}.rowid"
        score = f"(-bm25({FTS_TABLE}, {weights}){tiers(params.query)})"
        conditions = [f"{FTS_TABLE} MATCH %s"]
        if params.query.min_match:
            found = " + ".join(
                _matches(f"{FOLDED} : {_group(g)}") for g in params.query.match_groups
            )
            conditions.append(f"({found}) >= {int(params.query.min_match)}")
        return source, score, [fts5_expression(params.query)], conditions

    def title_match(self, query: SuggestQuery, in_order: bool) -> tuple[str, str, list]:
        words = [*(_quote(w) for w in query.words), _quote(query.prefix) + " *"]
        expression = f"{{title_folded}} : ({(' + ' if in_order else ' AND ').join(words)})"
        source = f" FROM {FTS_TABLE} JOIN search_searchentry e ON e.page_id = {FTS_TABLE}.rowid"
        return source, f"{FTS_TABLE} MATCH %s", [expression]
