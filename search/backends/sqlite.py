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
from ..text import ParsedQuery, exact_words, fold, fold_words
from .db import DatabaseEngine

FTS_TABLE = "search_fts"
# bm25 column weights: title_exact, text_exact, title_folded, text_folded.
FTS_WEIGHTS = (8.0, 2.0, 4.0, 1.0)


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
        boosts.append(f'{folded} : ("{" ".join(fold(t) for t in query.terms)}")')
        boosts.append('{title_exact text_exact} : ("' + " ".join(query.terms) + '")')
    anchor = f"{folded} : ({_quote(query.folded_terms[0])})"
    return f"({match}) AND ({anchor} OR {' OR '.join(boosts)})"


class SqliteEngine(DatabaseEngine):
    vendor = "sqlite"
    extra_tables = (FTS_TABLE,)

    def add_full_text(self, entry: SearchEntry, item: Item, title: list[str]) -> None:
        # The text column starts with the title again: a quoted phrase may run from the
        # title into the lead, as on the other engines, which see one sequence.
        words = title + exact_words(item.search_text)
        entry.text_exact, entry.text_folded = " ".join(words), fold_words(words)

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
        score = f"-bm25({FTS_TABLE}, {weights})"
        return source, score, [fts5_expression(params.query)], [f"{FTS_TABLE} MATCH %s"]

    def title_match(self, query: SuggestQuery, in_order: bool) -> tuple[str, str, list]:
        words = [*(_quote(w) for w in query.words), _quote(query.prefix) + " *"]
        expression = f"{{title_folded}} : ({(' + ' if in_order else ' AND ').join(words)})"
        source = f" FROM {FTS_TABLE} JOIN search_searchentry e ON e.page_id = {FTS_TABLE}.rowid"
        return source, f"{FTS_TABLE} MATCH %s", [expression]
