"""The Elasticsearch engine: an elasticsearch-dsl Document behind an alias.

Every text field has a ``_folded`` companion filled in Python (see ``search.text``), and
every field uses the built-in ``standard`` analyzer, so the same mapping works on the
integ-test-zip (no analysis-common) and on a full production cluster.

``rebuild()`` loads a fresh concrete index ``<alias>-<timestamp>`` and then moves the alias
to it in one atomic ``_aliases`` call, so searches never see an empty index.
"""

import contextlib
import logging
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import scan, streaming_bulk
from elasticsearch_dsl import Date, Document, Integer, Keyword, Object, Q, Text

from ..items import Item
from ..query import NEWEST, Hit, Results, SearchParams
from ..text import fold, folded_text, normalize, snippet

logger = logging.getLogger(__name__)

TEXT_FIELDS = {"title": 4, "lead": 2, "body": 1, "captions": 1, "authors": 2, "tags": 2}
EXACT_FIELDS = [f"{name}^{boost}" for name, boost in TEXT_FIELDS.items()]
FOLDED_FIELDS = [f"{name}_folded^{boost}" for name, boost in TEXT_FIELDS.items()]
MAX_WINDOW = 10_000  # index.max_result_window
PHRASE_BOOST = 20.0


class ArchiveDocument(Document):
    """One published article or event."""

    kind = Keyword()
    title = Text()
    title_folded = Text()
    lead = Text()
    lead_folded = Text()
    body = Text()
    body_folded = Text()
    captions = Text()
    captions_folded = Text()
    authors = Text(fields={"raw": Keyword()})
    authors_folded = Text()
    author_ids = Integer()
    tags = Text(fields={"raw": Keyword()})
    tags_folded = Text()
    section = Keyword()
    section_id = Integer()
    date = Date()
    view_count = Integer()
    stamp = Keyword(index=False)
    # What a result shows, as written by the newsroom (the indexed fields are normalised).
    display = Object(enabled=False)

    @classmethod
    def from_item(cls, item: Item) -> "ArchiveDocument":
        searchable = {
            "title": item.title,
            "lead": item.lead,
            "body": "\n".join(filter(None, [item.body, item.extra])),
            "captions": item.captions,
            "authors": " ; ".join(item.authors),
            "tags": " ; ".join(item.tags),
        }
        fields = {name: normalize(value) for name, value in searchable.items()}
        fields.update({f"{name}_folded": folded_text(v) for name, v in searchable.items()})
        doc = cls(
            meta={"id": item.page_id},
            kind=item.kind,
            author_ids=item.author_ids,
            section=item.section_title,
            section_id=item.section_id,
            date=item.date,
            view_count=item.view_count,
            stamp=item.stamp,
            display={
                "title": item.title,
                "url": item.url,
                "authors": item.authors,
                "section": item.section_title,
                "text": item.text,
            },
            **fields,
        )
        # Authors as keywords too (names, not the joined string).
        doc.authors = [normalize(a) for a in item.authors]
        doc.tags = [normalize(t) for t in item.tags]
        return doc


_clients: dict[str, Elasticsearch] = {}


def client() -> Elasticsearch:
    url = settings.ELASTICSEARCH_URL
    if url not in _clients:
        _clients[url] = Elasticsearch(
            url,
            request_timeout=settings.SEARCH_ES_TIMEOUT,
            max_retries=0,
            retry_on_timeout=False,
        )
    return _clients[url]


def alias() -> str:
    return settings.SEARCH_ES_INDEX


def concrete_indices() -> list[str]:
    """Every index of this alias: the live one and any rebuild in progress."""
    found = client().indices.get(index=f"{alias()}-*", allow_no_indices=True)
    return sorted(found.body.keys())


def create_index(name: str, bulk: bool = False) -> None:
    body_settings = {"number_of_shards": 1, "number_of_replicas": 0}
    if bulk:
        body_settings["refresh_interval"] = "-1"
    client().indices.create(
        index=name,
        settings=body_settings,
        mappings=ArchiveDocument._doc_type.mapping.to_dict(),
    )


def ensure_index() -> list[str]:
    indices = concrete_indices()
    if not indices:
        name = f"{alias()}-{time.strftime('%Y%m%d%H%M%S')}-init"
        create_index(name)
        client().indices.update_aliases(actions=[{"add": {"index": name, "alias": alias()}}])
        indices = [name]
    return indices


def write(items: Iterable[Item]) -> None:
    es = client()
    items = list(items)
    for index in ensure_index():
        for item in items:
            ArchiveDocument.from_item(item).save(using=es, index=index, refresh=False)
    es.indices.refresh(index=alias())


def delete(page_ids: Iterable[int]) -> None:
    es = client()
    ids = list(page_ids)
    indices = concrete_indices()
    for index in indices:
        for page_id in ids:
            with contextlib.suppress(NotFoundError):
                es.delete(index=index, id=str(page_id))
    if indices:
        es.indices.refresh(index=alias())


def rebuild(items: Iterable[Item], progress: Callable[[int], None] | None = None) -> int:
    """Bulk-load a new index and swap the alias to it atomically; returns documents loaded."""
    es = client()
    name = f"{alias()}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000:06d}"
    create_index(name, bulk=True)
    count = 0

    def actions():
        for item in items:
            yield ArchiveDocument.from_item(item).to_dict(include_meta=True) | {"_index": name}

    try:
        for ok, _info in streaming_bulk(es, actions(), chunk_size=1000, raise_on_error=True):
            if ok:
                count += 1
                if progress and count % 1000 == 0:
                    progress(count)
        es.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
        es.indices.refresh(index=name)
        # A concrete index named like the alias (from an old setup) would block the alias.
        if es.indices.exists(index=alias()) and not es.indices.exists_alias(name=alias()):
            es.indices.delete(index=alias())
        old = []
        if es.indices.exists_alias(name=alias()):
            old = sorted(es.indices.get_alias(name=alias()).body.keys())
        swap = [{"remove": {"index": index, "alias": alias()}} for index in old]
        swap.append({"add": {"index": name, "alias": alias()}})
        es.indices.update_aliases(actions=swap)
    except Exception:
        es.indices.delete(index=name, ignore_unavailable=True)
        raise
    for index in concrete_indices():
        if index != name:
            es.indices.delete(index=index, ignore_unavailable=True)
    if progress:
        progress(count)
    return count


def stamps() -> dict[int, str]:
    es = client()
    if not es.indices.exists_alias(name=alias()):
        return {}
    return {
        int(hit["_id"]): hit["_source"].get("stamp", "")
        for hit in scan(es, index=alias(), query={"_source": ["stamp"]}, size=2000)
    }


def drop() -> None:
    """Delete every index of this alias (tests, and a clean slate)."""
    for index in concrete_indices():
        client().indices.delete(index=index, ignore_unavailable=True)


# --- Querying -------------------------------------------------------------------


def build_search(params: SearchParams):
    search = ArchiveDocument.search(using=client(), index=alias())
    query = params.query
    if query:
        folded_terms = " ".join(query.folded_terms)
        must = [
            Q(
                "multi_match",
                query=folded_terms,
                type="cross_fields",
                operator="and",
                fields=FOLDED_FIELDS,
            )
        ]
        must += [
            Q("multi_match", query=" ".join(p), type="phrase", fields=FOLDED_FIELDS)
            for p in query.folded_phrases
        ]
        should = [Q("multi_match", query=" ".join(query.exact_terms), fields=EXACT_FIELDS, boost=2)]
        if len(query.terms) > 1:
            # The whole query as a phrase outweighs term counts (as on the database).
            should.append(
                Q(
                    "constant_score",
                    filter=Q(
                        "multi_match",
                        query=" ".join(fold(t) for t in query.terms),
                        type="phrase",
                        fields=FOLDED_FIELDS,
                    ),
                    boost=PHRASE_BOOST,
                )
            )
            should.append(
                Q(
                    "constant_score",
                    filter=Q(
                        "multi_match",
                        query=" ".join(query.terms),
                        type="phrase",
                        fields=EXACT_FIELDS,
                    ),
                    boost=PHRASE_BOOST / 2,
                )
            )
        search = search.query(Q("bool", must=must, should=should))
    filters = []
    if params.kind:
        filters.append(Q("term", kind=params.kind))
    if params.start or params.end:
        bounds = {}
        if params.start:
            bounds["gte"] = params.start.isoformat()
        if params.end:
            bounds["lt"] = params.end.isoformat()
        filters.append(Q("range", date=bounds))
    if params.section_id is not None:
        filters.append(Q("term", section_id=params.section_id))
    if params.author_id is not None:
        filters.append(Q("term", author_ids=params.author_id))
    if filters:
        search = search.filter(Q("bool", filter=filters))
    if params.sort == NEWEST or not query:
        search = search.sort({"date": {"order": "desc", "missing": "_last"}}, {"_score": "desc"})
    else:
        search = search.sort({"_score": "desc"}, {"date": {"order": "desc"}})
    search = search.extra(track_total_hits=True, track_scores=True)
    return search.source(["display", "date", "kind"])


def search(params: SearchParams) -> Results:
    results = Results(page=params.page, page_size=params.page_size)
    start = min(params.offset, MAX_WINDOW - params.page_size)
    response = build_search(params)[start : start + params.page_size].execute()
    results.total = response.hits.total.value
    if params.offset >= results.total or params.offset != start:
        results.hits = []
        return results
    for hit in response.hits:
        display = hit.display.to_dict() if hasattr(hit.display, "to_dict") else dict(hit.display)
        date = hit.date if hasattr(hit, "date") else None
        results.hits.append(
            Hit(
                page_id=int(hit.meta.id),
                kind=hit.kind,
                title=display.get("title", ""),
                url=display.get("url", ""),
                date=date,
                section=display.get("section", ""),
                authors=list(display.get("authors") or []),
                snippet=snippet(display.get("text", ""), params.query),
                score=round(hit.meta.score, 4) if hit.meta.score is not None else None,
            )
        )
    return results
