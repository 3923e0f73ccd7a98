"""The one place that picks the engine. Views, templates and signals talk to this module.

``SEARCH_ENGINE`` (derived in settings: Elasticsearch when ``ELASTICSEARCH_URL`` is set)
answers; ``SEARCH_DATABASE_ENGINE`` (the database vendor's) is always kept up to date too
and answers instead whenever the chosen engine fails at query time (logged).
"""

import logging
from collections.abc import Iterable
from dataclasses import replace

from django.conf import settings
from django.utils.module_loading import import_string

from . import items as page_items
from . import semantics, spelling
from .backends.base import Progress, SearchEngine
from .query import Results, SearchParams
from .suggest import Suggestion, SuggestQuery
from .text import parse_query

logger = logging.getLogger("search")

_engines: dict[str, SearchEngine] = {}


def _load(path: str) -> SearchEngine:
    """One instance per engine class, imported on first use: the Elasticsearch client
    libraries cost every app worker memory, and nothing needs them without it."""
    if path not in _engines:
        _engines[path] = import_string(path)()
    return _engines[path]


def engine() -> SearchEngine:
    """The engine that answers searches."""
    return _load(settings.SEARCH_ENGINE)


def database_engine():
    """The database's own engine: always kept, the fallback of any other."""
    return _load(settings.SEARCH_DATABASE_ENGINE)


def engines() -> list[SearchEngine]:
    """Every engine whose index is kept: the database's, then the chosen one."""
    database, chosen = database_engine(), engine()
    return [database] if chosen is database else [database, chosen]


def errors() -> tuple[type[BaseException], ...]:
    """What the kept engines raise when they are down (for ``except``)."""
    return tuple(error for kept in engines() for error in kept.errors)


def search(params: SearchParams) -> Results:
    """Results for ``params`` from the active engine; never raises for engine trouble.

    The query is analysed first (``semantics``). When nothing matches it, the query
    corrected from the index's vocabulary is tried ("Có phải bạn muốn tìm: …"), then the
    relaxed query (most of the words, not all): a search ends on an empty page only when
    no close answer exists."""
    if not params.runnable:
        return Results(page=params.page, page_size=params.page_size)
    query = semantics.analyse(params.query)
    params = replace(params, query=query)
    results = answer(params)
    if results.total or not query:
        return results

    def corrected(text: str) -> SearchParams:
        return replace(params, query=semantics.analyse(parse_query(text)))

    # The vocabulary is the database engine's; each correction tried is searched in full
    # by the engine that answers: one that finds nothing costs it no more than asking
    # whether it finds anything, and the one that finds pages is the answer.
    tried: dict[str, Results] = {}

    def finds(text: str) -> bool:
        tried[text] = answer(corrected(text))
        return tried[text].total > 0

    suggestion = spelling.correct(database_engine(), query, finds)
    if suggestion:
        results = tried[suggestion]
        results.suggestion = suggestion
        return results
    loose = semantics.relaxed(query)
    if loose is not None:
        relaxed = answer(replace(params, query=loose))
        if relaxed.total:
            relaxed.suggestion, relaxed.relaxed = suggestion or "", True
            return relaxed
    return results


def _from_active(action: str, argument, failure: str):
    """``action`` of the active engine, or of the database's when that engine fails."""
    chosen, database = engine(), database_engine()
    if chosen is not database:
        try:
            return getattr(chosen, action)(argument)
        except chosen.errors as exc:
            logger.error(
                "%s failed%s (%s: %s); answering from the database",
                chosen.name,
                failure,
                type(exc).__name__,
                exc,
            )
    return getattr(database, action)(argument)


def answer(params: SearchParams) -> Results:
    """One search of the analysed ``params`` by the engine that answers."""
    return _from_active("search", params, "")


def suggest(query: SuggestQuery) -> list[Suggestion]:
    """Suggestions from the active engine (the database's when it fails), as ``search``."""
    return _from_active("suggest", query, " to suggest")


def sync_pages(page_ids: Iterable[int]) -> None:
    """Bring the index entries of these pages in line with the database: (re)index the
    ones that are published and public, remove the others."""
    ids = sorted(set(page_ids))
    if not ids:
        return
    found = list(page_items.iter_items(ids))
    gone = sorted(set(ids) - {item.page_id for item in found})
    for kept in engines():
        try:
            kept.index(found)
            kept.delete(gone)
        except kept.errors as exc:
            logger.error(
                "%s update failed for pages %s (%s: %s); run `manage.py search_index --check`",
                kept.name,
                ids,
                type(exc).__name__,
                exc,
            )


def by_name(name: str) -> SearchEngine:
    for kept in engines():
        if kept.name == name:
            return kept
    raise LookupError(f"{name} is not configured")


def rebuild(name: str, progress: Progress = None, chunk_size: int = 1000) -> int:
    """Reload one engine's index from the published pages; returns entries written."""
    return by_name(name).rebuild(progress, chunk_size)


def check(name: str) -> dict[str, list]:
    """Missing, stale and extra entries of one engine's index (page ids), and the fields
    its live index lacks (an index built before an upgrade: its pages are all there, but
    the queries of this release need the new fields)."""
    kept = by_name(name)
    missing, stale, extra = page_items.differences(kept.stamps())
    return {
        "missing": missing,
        "stale": stale,
        "extra": extra,
        "unmapped fields": kept.unmapped_fields(),
    }
