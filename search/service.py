"""The one place that picks the engine. Views, templates and signals talk to this module.

Elasticsearch answers when ``ELASTICSEARCH_URL`` is set; the database index is always kept
too and answers otherwise, or whenever Elasticsearch fails at query time (logged).
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings

from . import items as page_items
from .backends import database
from .query import Results, SearchParams

logger = logging.getLogger("search")


def _elastic():
    """The Elasticsearch backend, imported on first use: its client libraries cost every
    app worker about 10 MB of memory, and without ELASTICSEARCH_URL nothing needs them."""
    from .backends import elastic

    return elastic


def es_errors() -> tuple[type[BaseException], ...]:
    """What a failing Elasticsearch raises (imports the client; call it in `except`)."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    return (ApiError, TransportError, ConnectionError, TimeoutError)


def elasticsearch_enabled() -> bool:
    return bool(settings.ELASTICSEARCH_URL)


def search(params: SearchParams) -> Results:
    """Results for ``params`` from the active engine; never raises for engine trouble."""
    if not params.runnable:
        return Results(page=params.page, page_size=params.page_size)
    if elasticsearch_enabled():
        try:
            return _elastic().search(params)
        except es_errors() as exc:
            logger.error(
                "Elasticsearch failed (%s: %s); answering from the database",
                type(exc).__name__,
                exc,
            )
    return database.search(params)


def sync_pages(page_ids: Iterable[int]) -> None:
    """Bring the index entries of these pages in line with the database: (re)index the
    ones that are published and public, remove the others."""
    ids = sorted(set(page_ids))
    if not ids:
        return
    found = list(page_items.iter_items(ids))
    gone = sorted(set(ids) - {item.page_id for item in found})
    database.write(found)
    database.delete(gone)
    if elasticsearch_enabled():
        try:
            if found:
                _elastic().write(found)
            if gone:
                _elastic().delete(gone)
        except es_errors() as exc:
            logger.error(
                "Elasticsearch update failed for pages %s (%s: %s); "
                "run `manage.py search_index --check`",
                ids,
                type(exc).__name__,
                exc,
            )


def engines() -> list[str]:
    return ["database", "elasticsearch"] if elasticsearch_enabled() else ["database"]


def rebuild(
    engine: str, progress: Callable[[int], None] | None = None, chunk_size: int = 1000
) -> int:
    """Reload one engine's index from the published pages; returns entries written."""
    if engine == "database":
        return database.write(
            _with_progress(page_items.iter_items(chunk_size=chunk_size), progress),
            replace_all=True,
        )
    return _elastic().rebuild(page_items.iter_items(chunk_size=chunk_size), progress)


def _with_progress(stream, progress):
    count = 0
    for item in stream:
        yield item
        count += 1
        if progress and count % 1000 == 0:
            progress(count)
    if progress:
        progress(count)


def expected_stamps() -> dict[int, str]:
    """What the index should hold: page id -> stamp of every published, public page."""
    stamps = {}
    for queryset in (page_items.articles(), page_items.events()):
        for page_id, published, url_path in queryset.values_list(
            "pk", "last_published_at", "url_path"
        ).order_by():
            stamps[page_id] = f"{published.isoformat() if published else ''}|{url_path}"
    return stamps


def check(engine: str) -> dict[str, list[int]]:
    """Missing, stale and extra entries of one engine's index."""
    expected = expected_stamps()
    actual = database.stamps() if engine == "database" else _elastic().stamps()
    return {
        "missing": sorted(set(expected) - set(actual)),
        "stale": sorted(pid for pid in expected if pid in actual and actual[pid] != expected[pid]),
        "extra": sorted(set(actual) - set(expected)),
    }
