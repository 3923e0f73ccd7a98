"""The Elasticsearch engine: an elasticsearch-dsl Document behind an alias.

Every text field has a ``_folded`` companion filled in Python (see ``search.text``), and
every field uses the built-in ``standard`` analyzer, so the same mapping works on the
integ-test-zip (no analysis-common) and on a full production cluster.

``rebuild()`` loads a fresh concrete index ``<alias>-<timestamp>``, moves the alias to it in
one atomic ``_aliases`` call, so searches never see an empty index, and leaves the node to
merge it.
"""

import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from itertools import chain

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, OrjsonSerializer
from elasticsearch.helpers import BulkIndexError, bulk, parallel_bulk, scan
from elasticsearch_dsl import Date, Document, Integer, Keyword, Object, Q, Text

from ..items import Item, iter_items
from ..query import NEWEST, TOTAL_CAP, Hit, Results, SearchParams
from ..suggest import AUTHOR_LIMIT, TITLE, TITLE_LIMIT, Suggestion, SuggestQuery, authors_for
from ..text import (
    MAX_TERMS,
    exact_words_of_normalized,
    fold_words,
    highlight,
    normalize,
    snippet,
)
from .base import Progress, SearchEngine

logger = logging.getLogger(__name__)

TEXT_FIELDS = {"title": 4, "lead": 2, "body": 1, "captions": 1, "authors": 2, "tags": 2}
EXACT_FIELDS = [f"{name}^{boost}" for name, boost in TEXT_FIELDS.items()]
FOLDED_FIELDS = [f"{name}_folded^{boost}" for name, boost in TEXT_FIELDS.items()]
MAX_WINDOW = 10_000  # index.max_result_window
# The whole query as a phrase must outrank any term score (a BM25 sum stays far below):
# folded phrase +1000, exact phrase +500 more, like the database engine's tiers.
PHRASE_BOOST = 1000.0
# Hits that get the whole-query phrase boost: each shard rescores its own best, so the
# index's best RESCORE_WINDOW are always among them.
RESCORE_WINDOW = 500
# Acronym groups are matched as filters and scored in the rescore when the query has at
# most this many plain syllables besides them ("UBND tỉnh"; see ``match_clauses``).
DEFER_FORMS_PLAIN = 2
# What picks the window of a query that is acronym groups alone (``head_clauses``).
HEAD_FIELDS = [f"{name}_folded^{TEXT_FIELDS[name]}" for name in ("title", "lead")]
BULK_CHUNK = 500  # documents per bulk request
BULK_THREADS = 2  # bulk requests in flight while rebuilding
BULK_TIMEOUT = 120  # seconds per request while rebuilding
# The database engines see a page's text as one sequence (title, lead, body, captions,
# authors, tags, event place), so a quoted phrase may run from one part into the next;
# here each part is a field of its own. ``seams_folded`` holds, for each boundary between
# two parts, the folded syllables around it: a phrase (at most MAX_TERMS syllables) that
# crosses a boundary lies within SEAM syllables on either side of it. The seams are
# values of one field, apart by its position gap (100), so no phrase joins two seams.
SEAMS_FIELD = "seams_folded"
SEAM = MAX_TERMS - 1
PHRASE_FIELDS = [*FOLDED_FIELDS, SEAMS_FIELD]
# A page's distinct exact syllables (the words of its six exact fields, once each), for
# the exact-diacritics tier: one postings list per syllable instead of six fields'. The
# tier filters every hit of the first pass, and filters are seldom in the node's query
# cache when queries vary. The feeder has the words already (it folds them), so it
# sends them split on spaces: no second analysis of the text.
EXACT_ALL = "exact_all"
# The folded title again, for suggestions as the reader types: its prefixes (up to
# SUGGEST_PREFIX_CHARS letters, longer than any Vietnamese syllable) are indexed as terms,
# so the syllable being typed is one term lookup instead of a walk of the term dictionary.
SUGGEST_FIELD = "title_suggest"
SUGGEST_PREFIX_CHARS = 10
# Distinct bylines read from the pages whose authors match a suggestion query.
SUGGEST_AUTHOR_BUCKETS = 100
SOURCE_EXCLUDES = [
    *TEXT_FIELDS,
    *(f"{name}_folded" for name in TEXT_FIELDS),
    SEAMS_FIELD,
    SUGGEST_FIELD,
    EXACT_ALL,
]


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
    exact_all = Text(analyzer="whitespace", index_options="docs", norms=False)
    seams_folded = Text()
    title_suggest = Text(index_prefixes={"min_chars": 1, "max_chars": SUGGEST_PREFIX_CHARS})
    section = Keyword()
    section_id = Integer()
    site_id = Integer()
    date = Date()
    view_count = Integer()
    stamp = Keyword(index=False)
    # What a result shows, as written by the newsroom (the indexed fields are normalised).
    display = Object(enabled=False)

    @classmethod
    def from_item(cls, item: Item) -> "ArchiveDocument":
        return cls(meta={"id": item.page_id}, **source_for(item))


def seams(parts: list[str]) -> list[str]:
    """The folded syllables around each boundary between the non-empty ``parts`` (folded
    texts in the database engines' order): SEAM before it and SEAM from it on."""
    sequence: list[str] = []
    bounds: list[int] = []
    for part in parts:
        if not part:
            continue
        if sequence:
            bounds.append(len(sequence))
        # A seam reads at most SEAM syllables into a part from either end, so a part
        # longer than that (a body) is split only at its ends: its first SEAM syllables
        # and its last SEAM (which may overlap them, as no seam reads past SEAM).
        pieces = part.split(None, SEAM)
        if len(pieces) <= SEAM:
            sequence.extend(pieces)
        else:
            sequence.extend(pieces[:SEAM])
            sequence.extend(part.rsplit(None, SEAM)[-SEAM:])
    return [" ".join(sequence[max(0, b - SEAM) : b + SEAM]) for b in bounds]


def source_for(item: Item) -> dict:
    """The document's ``_source``: exact fields (normalised, as written) and their folded
    companions. Built as a plain dict: the bulk rebuild sends one per page."""
    # The body and the event's place are one field but two parts of the sequence (seams):
    # each is normalised once, and the field joins them (normalising the joined text gives
    # the same, "\n" composes with nothing).
    body, extra = normalize(item.body), normalize(item.extra)
    source = {
        "title": normalize(item.title),
        "lead": normalize(item.lead),
        "body": "\n".join(filter(None, [body, extra])),
        "captions": normalize(item.captions),
        "authors": normalize(" ; ".join(item.authors)),
        "tags": normalize(" ; ".join(item.tags)),
    }
    searchable = list(source)
    words = {
        name: exact_words_of_normalized(text) for name, text in (("body", body), ("extra", extra))
    }
    for name in searchable:
        if name != "body":
            words[name] = exact_words_of_normalized(source[name])
    folded = {name: fold_words(found) for name, found in words.items()}
    source[EXACT_ALL] = " ".join(dict.fromkeys(chain.from_iterable(words.values())))
    source.update({f"{name}_folded": folded[name] for name in searchable if name != "body"})
    source["body_folded"] = " ".join(filter(None, [folded["body"], folded["extra"]]))
    order = ("title", "lead", "body", "captions", "authors", "tags", "extra")
    source[SEAMS_FIELD] = seams([folded[name] for name in order])
    source[SUGGEST_FIELD] = folded["title"]
    # Authors and tags as lists too (names, not the joined string: the .raw keywords).
    source["authors"] = [normalize(a) for a in item.authors]
    source["tags"] = [normalize(t) for t in item.tags]
    source.update(
        kind=item.kind,
        author_ids=item.author_ids,
        section=item.section_title,
        section_id=item.section_id,
        site_id=item.site_id,
        date=item.date,
        view_count=item.view_count,
        stamp=item.stamp,
        # What a result shows, as written by the newsroom.
        display={
            "title": item.title,
            "url": item.url,
            "authors": item.authors,
            "section": item.section_title,
            "text": item.text,
        },
    )
    return source


_clients: dict[str, Elasticsearch] = {}


def client() -> Elasticsearch:
    url = settings.ELASTICSEARCH_URL
    if url not in _clients:
        _clients[url] = Elasticsearch(
            url,
            request_timeout=settings.SEARCH_ES_TIMEOUT,
            max_retries=0,
            retry_on_timeout=False,
            # orjson, the client's own alternative to the json module: a rebuild
            # serialises every document of the archive (docs/search.md).
            serializer=OrjsonSerializer(),
        )
    return _clients[url]


def alias() -> str:
    return settings.SEARCH_ES_INDEX


def concrete_indices() -> list[str]:
    """Every index of this alias: the live one and any rebuild in progress."""
    found = client().indices.get(index=f"{alias()}-*", allow_no_indices=True)
    return sorted(found.body.keys())


def create_index(name: str, bulk: bool = False) -> None:
    body_settings = {
        "number_of_shards": settings.SEARCH_ES_SHARDS,
        "number_of_replicas": settings.SEARCH_ES_REPLICAS,
    }
    if bulk:
        body_settings["refresh_interval"] = "-1"
        body_settings["translog.durability"] = "async"  # fsync per bulk request is wasted
    mappings = ArchiveDocument._doc_type.mapping.to_dict()
    # Only what is read back is stored: results show ``display``, --check reads ``stamp``.
    # The twelve indexed text fields (two thirds of a document's JSON) are never read.
    mappings["_source"] = {"excludes": SOURCE_EXCLUDES}
    client().indices.create(index=name, settings=body_settings, mappings=mappings)


def ensure_index() -> list[str]:
    indices = concrete_indices()
    if not indices:
        name = f"{alias()}-{time.strftime('%Y%m%d%H%M%S')}-init"
        create_index(name)
        client().indices.update_aliases(actions=[{"add": {"index": name, "alias": alias()}}])
        indices = [name]
    return indices


def write(items: Iterable[Item]) -> int:
    es = client()
    items = list(items)
    if not items:
        return 0
    # One bulk request per BULK_CHUNK documents, not one request each: an import sends
    # its batches through here (the same documents the rebuild sends).
    actions = [
        {"_index": index, "_id": item.page_id, "_source": source_for(item)}
        for index in ensure_index()
        for item in items
    ]
    bulk(es, actions, chunk_size=BULK_CHUNK, refresh=False)
    es.indices.refresh(index=alias())
    return len(items)


def delete(page_ids: Iterable[int]) -> None:
    es = client()
    ids = list(page_ids)
    if not ids:
        return
    indices = concrete_indices()
    for index in indices:
        for page_id in ids:
            with contextlib.suppress(NotFoundError):
                es.delete(index=index, id=str(page_id))
    if indices:
        es.indices.refresh(index=alias())


class _StopOnFailure:
    """The client as ``parallel_bulk`` sees it: a failed bulk request (raised, or
    answered with document errors) sets ``failed`` in the sending thread, before the
    error reaches ``parallel_bulk``, which waits for its task thread to read every action
    before it raises."""

    def __init__(self, es: Elasticsearch, failed: threading.Event):
        self._es, self._failed = es, failed

    def __getattr__(self, name):
        return getattr(self._es, name)

    def bulk(self, *args, **kwargs):
        try:
            response = self._es.bulk(*args, **kwargs)
        except BaseException:
            self._failed.set()
            raise
        if response.get("errors"):
            self._failed.set()
        return response


def _bulk_load(es: Elasticsearch, actions: Iterable[dict], progress: Progress) -> int:
    """``parallel_bulk``: its pool's task thread reads, folds and serialises the actions
    while BULK_THREADS requests are in flight, and this thread only counts the answers.
    The actions read the database, so that thread uses this thread's connection (and
    transaction), as Django's live server thread does; this thread does not touch it
    meanwhile. The first failure stops the actions, so only the chunks already read are
    sent before it is raised."""
    db = connections[DEFAULT_DB_ALIAS]
    failed = threading.Event()

    def feed():
        connections[DEFAULT_DB_ALIAS] = db
        for action in actions:
            if failed.is_set():
                return
            yield action

    count = 0
    db.inc_thread_sharing()
    try:
        for _ok, _info in parallel_bulk(
            _StopOnFailure(es, failed),
            feed(),
            thread_count=BULK_THREADS,
            chunk_size=BULK_CHUNK,
            queue_size=BULK_THREADS,
        ):
            count += 1
            if progress and count % 1000 == 0:
                progress(count)
    finally:
        db.dec_thread_sharing()
    return count


def merge(name: str) -> None:
    """Start merging the rebuilt index to one segment, and return.

    An archive is read far more than written: merged, a query reads one set of postings
    instead of one per segment (the bulk load leaves about ten). The index is complete
    and live before it is merged, so the merge runs in the node's background, as its own
    merges do; the rebuild does not wait for it (one thread per shard rewrites it).
    Searches meanwhile read the unmerged segments (docs/search.md). A merge that cannot
    start leaves a correct index, only slower to read: it is logged."""
    try:
        client().indices.forcemerge(index=name, max_num_segments=1, wait_for_completion=False)
    except (ApiError, TransportError) as error:
        logger.warning("The rebuilt index %s was not merged: %s", name, error)


def rebuild(items: Iterable[Item], progress: Progress = None) -> int:
    """Bulk-load a new index and swap the alias to it atomically; returns documents loaded."""
    # Queries must fail fast (SEARCH_ES_TIMEOUT, then the database answers); a bulk request
    # on a busy node may take longer, and retrying one is harmless (documents have ids).
    es = client().options(request_timeout=BULK_TIMEOUT, max_retries=2, retry_on_timeout=True)
    name = f"{alias()}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000:06d}"
    create_index(name, bulk=True)

    def actions():
        for item in items:
            yield {"_index": name, "_id": item.page_id, "_source": source_for(item)}

    try:
        count = _bulk_load(es, actions(), progress)
        es.indices.put_settings(
            index=name, settings={"refresh_interval": "1s", "translog.durability": "request"}
        )
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
    merge(name)
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


def unmapped_fields() -> list[str]:
    """The mapping's fields that the live index does not have (none without an index:
    its pages are reported missing)."""
    es = client()
    if not es.indices.exists_alias(name=alias()):
        return []
    wanted = ArchiveDocument._doc_type.mapping.to_dict()["properties"]
    live = es.indices.get_mapping(index=alias())
    have = set()
    for index in live.body.values():
        have.update(index["mappings"].get("properties", {}))
    return sorted(set(wanted) - have)


def drop() -> None:
    """Delete every index of this alias (tests, and a clean slate)."""
    for index in concrete_indices():
        client().indices.delete(index=index, ignore_unavailable=True)


# --- Querying -------------------------------------------------------------------


# Ranking tiers, added as constant scores (BM25 sums stay far below each step): an
# exact-diacritics match of every syllable of a query typed with diacritics, then a page
# by the author the query names (both on every hit), then, in the rescore window, the
# whole query as a phrase (PHRASE_BOOST) and each adjacent syllable pair (PAIR_BOOST).
EXACT_BOOST = 100_000.0
AUTHOR_BOOST = 20_000.0
PAIR_BOOST = 100.0


def _alternative(alt: tuple[str, ...], fuzzy: bool = False):
    if fuzzy and len(alt) == 1:
        # Syllables are short: one edit from four letters on, the first letter kept
        # (three-letter syllables one edit apart are mostly other words).
        return Q(
            "multi_match",
            query=alt[0],
            fields=FOLDED_FIELDS,
            fuzziness="AUTO:4,8",
            prefix_length=1,
        )
    return Q(
        "multi_match",
        query=" ".join(alt),
        type="cross_fields",
        operator="and",
        fields=FOLDED_FIELDS,
    )


def _group(group, fuzzy: bool = False):
    if len(group) == 1:
        return _alternative(group[0], fuzzy)
    return Q("bool", should=[_alternative(alt, fuzzy) for alt in group], minimum_should_match=1)


def _plain(group) -> bool:
    """A group of one syllable typed as itself (not an acronym and its readings)."""
    return len(group) == 1 and len(group[0]) == 1


def match_clauses(query, defer_forms: bool = False) -> tuple[list, list]:
    """The required part: every group (one cross-fields query over the plain syllables),
    or at least ``min_match`` of them, misspellings tolerated, when relaxed; as (scored
    clauses, deferred clauses).

    With ``defer_forms`` and one or two plain syllables (up to DEFER_FORMS_PLAIN), the
    groups of several forms (an acronym and its expansions) are deferred: the caller
    requires them as filters and scores them in the rescore only. A conjunction of common
    syllables scored over every hit cannot skip any (each syllable's best score per block
    of postings comes from some title, so the sum of those bounds is above the threshold
    everywhere): "UBND tỉnh" scored "uy ban nhan dan" on 80,000 of 100,000 articles.
    Scored on the plain syllables the first pass skips most of them, and the rescore adds
    the same group scores to the hits in its window; only the choice of the window
    changes. With more plain syllables the match set is smaller and the group's score
    weighs more in that choice (a question's long expansion), so it stays scored.

    Groups without any plain syllable beside them ("KT-XH", "kinh tế - xã hội") are
    deferred too: the caller then picks the window by the groups on the title and lead
    (``head_clauses``) and gives the window the single-pass score in the rescore."""
    groups = query.match_groups
    if query.min_match:
        relaxed = Q(
            "bool",
            should=[_group(g, fuzzy=query.fuzzy) for g in groups],
            minimum_should_match=query.min_match,
        )
        return [relaxed], []
    plain = [g[0][0] for g in groups if _plain(g)]
    must = []
    if plain:
        must.append(
            Q(
                "multi_match",
                query=" ".join(plain),
                type="cross_fields",
                operator="and",
                fields=FOLDED_FIELDS,
            )
        )
    forms = [_group(g) for g in groups if not _plain(g)]
    deferred = forms if defer_forms and len(plain) <= DEFER_FORMS_PLAIN else []
    if not deferred:
        must += forms
    must += [
        Q("multi_match", query=" ".join(p), type="phrase", fields=PHRASE_FIELDS)
        for p in query.folded_phrases
    ]
    return must, deferred


def head_clauses(groups) -> list:
    """The first pass of a query that is acronym groups alone: each group's readings on
    the title and lead only (any of their syllables), as the database engine picks its
    ranking window by title and lead. Scoring the group's conjunction over the six
    fields on every hit was what such a query cost ("kinh tế xã hội" matches 97% of the
    archive, and no block of its postings could be skipped)."""
    return [
        Q(
            "dis_max",
            queries=[
                Q(
                    "multi_match",
                    query=" ".join(alt),
                    type="cross_fields",
                    operator="or",
                    fields=HEAD_FIELDS,
                )
                for alt in group
            ],
        )
        for group in groups
    ]


def tier_clauses(query) -> list:
    """Constant scores on every hit: exact diacritics, then the named author."""
    should = []
    if query.exact_required:
        should.append(
            Q(
                "constant_score",
                filter=Q(
                    "match",
                    **{EXACT_ALL: {"query": " ".join(query.exact_required), "operator": "and"}},
                ),
                boost=EXACT_BOOST,
            )
        )
    if query.author_ids:
        should.append(
            Q(
                "constant_score",
                filter=Q("terms", author_ids=list(query.author_ids)),
                boost=AUTHOR_BOOST,
            )
        )
    return should


def _phrase(words, fields, boost):
    return Q(
        "constant_score",
        filter=Q("multi_match", query=" ".join(words), type="phrase", fields=fields),
        boost=boost,
    )


def phrase_clauses(query) -> list:
    """The rescore's phrase tiers: the whole query as a folded phrase (each reading), each
    adjacent pair, and the whole query as typed (exact). Pairs are read over the fields
    and the seams, as the database engines read a page as one sequence. A pair that is
    a reading of the whole query (a query of two syllables) is one clause with both
    bonuses: otherwise the same phrase is looked up twice in the positions of every hit
    of the window."""
    boosts = {tuple(v): PHRASE_BOOST for v in query.phrase_variants}
    for pair in query.pairs:
        boosts[tuple(pair)] = boosts.get(tuple(pair), 0.0) + PAIR_BOOST
    clauses = [_phrase(words, PHRASE_FIELDS, boost) for words, boost in boosts.items()]
    clauses.append(_phrase(query.terms, EXACT_FIELDS, PHRASE_BOOST / 2))
    return clauses


def build_search(params: SearchParams, defer_forms: bool = True):
    """The search for ``params``; ``defer_forms=False`` scores every group in the first
    pass (the tests compare both: in the rescore window they score alike)."""
    search = ArchiveDocument.search(using=client(), index=alias())
    query = params.query
    if query:
        exact = Q("multi_match", query=" ".join(query.exact_terms), fields=EXACT_FIELDS, boost=2)
        rescored = len(query.terms) > 1 and params.sort != NEWEST
        must, deferred = match_clauses(query, defer_forms=defer_forms and rescored)
        # Newest-first ignores scores: no boosts at all.
        should = []
        if params.sort != NEWEST:
            should = tier_clauses(query)
            if len(query.terms) == 1:
                should.append(exact)
        # Acronym groups alone, deferred: the window is picked by the title and lead, and
        # the rescore replaces that score (query weight 0) with the single-pass one.
        alone = bool(deferred) and not any(_plain(g) for g in query.match_groups)
        groups = [g for g in query.match_groups if not _plain(g)] if alone else []
        search = search.query(
            Q("bool", must=must, should=[*head_clauses(groups), *should], filter=deferred)
        )
        if rescored:
            # The whole query as a phrase outweighs term counts (as on the database), then
            # its adjacent pairs, then exact diacritics. Phrase clauses are costly over
            # every hit of a query that matches most of the archive (positions in every
            # field; the optional exact terms iterate the exact fields' postings), so they
            # rescore the best RESCORE_WINDOW hits instead (newest-first skips them).
            phrases = [exact, *deferred, *phrase_clauses(query)]
            rescore_query = Q("bool", should=phrases)
            if alone:
                rescore_query = Q("bool", must=must, should=[*should, *phrases])
            search = search.extra(
                rescore={
                    "window_size": RESCORE_WINDOW,
                    "query": {
                        "rescore_query": rescore_query.to_dict(),
                        "query_weight": 0 if alone else 1,
                        "rescore_query_weight": 1,
                        "score_mode": "total",
                    },
                }
            )
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
    if params.site_id is not None:
        filters.append(Q("term", site_id=params.site_id))
    if filters:
        search = search.filter(Q("bool", filter=filters))
    if params.sort == NEWEST or not query:
        search = search.sort({"date": {"order": "desc", "missing": "_last"}}, {"_score": "desc"})
        search = search.extra(track_scores=True)
    elif len(query.terms) < 2:
        search = search.sort({"_score": "desc"}, {"date": {"order": "desc"}})
    # else: by score only (what rescoring allows); ties in index order.
    # Counted exactly up to TOTAL_CAP (then "more than"), as on the database engine.
    search = search.extra(track_total_hits=TOTAL_CAP)
    return search.source(["display", "date", "kind", "site_id"])


def search(params: SearchParams) -> Results:
    results = Results(page=params.page, page_size=params.page_size)
    start = min(params.offset, MAX_WINDOW - params.page_size)
    body = build_search(params)[start : start + params.page_size].to_dict()
    # A ranked search first reads the term statistics of every shard (the DFS phase), so
    # that each shard scores with the whole index's, as one shard would, not its own.
    ranked = bool(params.query) and params.sort != NEWEST
    search_type = "dfs_query_then_fetch" if ranked else "query_then_fetch"
    # The raw client: the answer is read as plain dicts (elasticsearch-dsl's hit wrappers and
    # date parsing cost more than the rest of the Python side of a query).
    response = client().search(index=alias(), body=body, search_type=search_type)
    total = response["hits"]["total"]
    results.total = min(total["value"], TOTAL_CAP)
    results.total_exact = total["relation"] == "eq" and total["value"] <= TOTAL_CAP
    if params.offset >= results.total or params.offset != start:
        results.hits = []
        return results
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        display = source.get("display") or {}
        date = source.get("date")
        results.hits.append(
            Hit(
                page_id=int(hit["_id"]),
                kind=source.get("kind", ""),
                title=display.get("title", ""),
                url=display.get("url", ""),
                date=datetime.fromisoformat(date) if date else None,
                section=display.get("section", ""),
                authors=list(display.get("authors") or []),
                snippet=snippet(display.get("text", ""), params.query),
                score=round(hit["_score"], 4) if hit.get("_score") is not None else None,
                title_html=highlight(display.get("title", ""), params.query),
                site_id=source.get("site_id"),
            )
        )
    return results


def suggest_searches(query: SuggestQuery) -> list[dict]:
    """The searches of one ``_msearch``: the titles with the query's syllables in a row
    (when it has more than one), the titles with them anywhere, the matching bylines.

    Both title searches are filters sorted by date alone: with no score to compute and
    the date's points index beside them, Elasticsearch stops looking at documents that
    cannot be newer than the TITLE_LIMIT found so far, where a score for the in-a-row
    titles had to be computed (positions read) on every title that matched. The bylines
    are a search of their own, so they run beside the titles instead of after them."""
    typed = " ".join(query.syllables)
    portal = [Q("term", site_id=query.site_id)] if query.site_id is not None else []
    anywhere = Q("match_bool_prefix", **{SUGGEST_FIELD: {"query": typed, "operator": "and"}})
    title_filters = []
    if query.words:
        in_order = Q("match_phrase_prefix", **{SUGGEST_FIELD: {"query": typed}})
        title_filters.append((in_order, TITLE_LIMIT))
    # The newest titles with the syllables anywhere may repeat the in-a-row ones: as many
    # more are asked for, so that TITLE_LIMIT others are there when the first are few.
    title_filters.append((anywhere, TITLE_LIMIT * len(title_filters) + TITLE_LIMIT))
    searches = [
        {
            "size": size,
            "query": Q("bool", filter=[condition, *portal]).to_dict(),
            "sort": [{"date": {"order": "desc", "missing": "_last"}}],
            "track_total_hits": False,
            "_source": ["display.title", "display.url"],
        }
        for condition, size in title_filters
    ]
    authors = Q("match_bool_prefix", authors_folded={"query": typed, "operator": "and"})
    searches.append(
        {
            "size": 0,
            "query": Q("bool", filter=[authors, *portal]).to_dict(),
            "track_total_hits": False,
            "aggs": {"names": {"terms": {"field": "authors.raw", "size": SUGGEST_AUTHOR_BUCKETS}}},
        }
    )
    return searches


def suggest(query: SuggestQuery) -> list[Suggestion]:
    searches = suggest_searches(query)
    lines = []
    for body in searches:
        lines += [{}, body]
    answer = client().msearch(index=alias(), searches=lines)
    responses = answer["responses"]
    for response in responses:
        # Each search of an _msearch fails on its own (a missing index, a bad query)
        # inside a 200 answer: raised like a failed search, so the database answers.
        if "error" in response:
            meta = dataclasses.replace(answer.meta, status=response.get("status", 500))
            raise ApiError(message="msearch", meta=meta, body=response)
    titles: dict[str, Suggestion] = {}
    for response in responses[:-1]:
        for hit in response["hits"]["hits"]:
            if hit["_id"] in titles or len(titles) >= TITLE_LIMIT:
                continue
            display = hit["_source"].get("display") or {}
            titles[hit["_id"]] = Suggestion(TITLE, display.get("title", ""), display.get("url", ""))
    buckets = responses[-1]["aggregations"]["names"]["buckets"]
    # A page's byline may join a matching author with others: the rule decides per name.
    authors = authors_for([(None, bucket["key"]) for bucket in buckets], query)
    return [*titles.values(), *authors[:AUTHOR_LIMIT]]


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        return (ApiError, TransportError, BulkIndexError, ConnectionError, TimeoutError)

    def index(self, items: Iterable[Item]) -> int:
        return write(items)

    def delete(self, page_ids: Iterable[int]) -> None:
        delete(page_ids)

    def search(self, params: SearchParams) -> Results:
        return search(params)

    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        return suggest(query)

    def stamps(self) -> dict[int, str]:
        return stamps()

    def unmapped_fields(self) -> list[str]:
        return unmapped_fields()

    def rebuild(self, progress: Progress = None, chunk_size: int = 1000) -> int:
        return rebuild(iter_items(chunk_size=chunk_size), progress)
