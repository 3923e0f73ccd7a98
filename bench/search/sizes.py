"""What the search indexes weigh on the benchmark's archive, and what matching adjacent
syllable pairs costs in them. Run by bench.py inside Django, after both rebuilds:

    .venv/bin/python manage.py shell -c "from bench.search.sizes import main; main()"

The pairs are phrase clauses at query time: they read the positions every text field
and vector keeps (also for quoted phrases and the whole-query phrase), and the seams
Elasticsearch keeps for phrases across the parts of a page. So two figures per engine:

* the live index as it is (Elasticsearch: the store size and `_disk_usage` per field;
  PostgreSQL: the table, its TOAST, each index, each vector column);
* on a sample of the archive loaded again, the same without positions (Elasticsearch:
  `index_options: freqs` and no seams; PostgreSQL: `strip()` of the four vectors, which
  also drops the weights kept with the positions), and on Elasticsearch with the pairs
  indexed instead as companion fields (one term per adjacent pair, folded and exact),
  which is what index-time pairs would add. Sample figures are also scaled to the
  whole index by its document count.
"""

import json
import time

from django.db import connection
from elasticsearch.helpers import bulk

from search import items
from search.backends import elastic
from search.text import TOKEN_RE

SAMPLE = 5_000  # documents loaded again in each variant
SAMPLE_PREFIX = "bench-size-"
VECTORS = ("exact_vector", "folded_vector", "head_exact_vector", "head_folded_vector")
TABLE = "search_searchentry"
PAIR_FIELDS = ("pairs_folded", "pairs_exact")
PART_ORDER = ("title", "lead", "body", "captions", "authors", "tags")


def _pairs(words: list[str]) -> str:
    return " ".join(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))


def with_pairs(source: dict) -> dict:
    """``source`` with its adjacent syllable pairs as terms of their own ("hoi_nghi"):
    the standard tokenizer keeps a word joined by "_" whole."""
    folded = " ".join(source[f"{name}_folded"] for name in PART_ORDER).split()
    exact = []
    for name in PART_ORDER:
        value = source[name]
        text = " ".join(value) if isinstance(value, list) else value
        exact += TOKEN_RE.findall(text.lower())
    return {**source, "pairs_folded": _pairs(folded), "pairs_exact": _pairs(exact)}


def _mapping(variant: str) -> dict:
    mappings = elastic.ArchiveDocument._doc_type.mapping.to_dict()
    properties = mappings["properties"]
    excludes = list(elastic.SOURCE_EXCLUDES)
    if variant == "no_positions":
        for name in elastic.TEXT_FIELDS:
            for field in (name, f"{name}_folded"):
                properties[field]["index_options"] = "freqs"
        del properties[elastic.SEAMS_FIELD]
    elif variant == "pairs_indexed":
        for field in PAIR_FIELDS:
            properties[field] = {"type": "text"}
        excludes += PAIR_FIELDS
    mappings["_source"] = {"excludes": excludes}
    return mappings


def _load_sample(es, variant: str, sources: list[dict]) -> dict:
    """Load ``sources`` into a fresh index with the variant's mapping, merged to one
    segment as a rebuild leaves it; its store size and the seconds it took."""
    name = f"{SAMPLE_PREFIX}{variant.replace('_', '-')}"
    es.indices.delete(index=name, ignore_unavailable=True)
    es.indices.create(
        index=name,
        settings={"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"},
        mappings=_mapping(variant),
    )
    try:
        started = time.perf_counter()
        bulk(
            es,
            ({"_index": name, "_id": i, "_source": source} for i, source in enumerate(sources)),
            chunk_size=elastic.BULK_CHUNK,
        )
        es.indices.refresh(index=name)
        es.indices.forcemerge(index=name, max_num_segments=1)
        seconds = time.perf_counter() - started
        stats = es.indices.stats(index=name, metric="store")
        size = stats["indices"][name]["primaries"]["store"]["size_in_bytes"]
        return {"store_bytes": size, "load_s": round(seconds, 2)}
    finally:
        es.indices.delete(index=name, ignore_unavailable=True)


def elasticsearch_sizes(sample_ids: list[int]) -> dict:
    es = elastic.client().options(request_timeout=900)
    (live,) = sorted(es.indices.get_alias(name=elastic.alias()).body)
    stats = es.indices.stats(index=live, metric=["store", "docs"])["indices"][live]["primaries"]
    docs, store = stats["docs"]["count"], stats["store"]["size_in_bytes"]
    usage = es.indices.disk_usage(index=live, run_expensive_tasks=True)[live]
    fields = {name: value["total_in_bytes"] for name, value in usage["fields"].items()}
    started = time.perf_counter()
    sources = [elastic.source_for(item) for item in items.iter_items(sample_ids)]
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    paired = [with_pairs(source) for source in sources]
    pairs_s = time.perf_counter() - started
    plain = [{k: v for k, v in source.items() if k != elastic.SEAMS_FIELD} for source in sources]
    sample = {
        "documents": len(sources),
        "build_documents_s": round(build_s, 2),
        "build_pairs_s": round(pairs_s, 2),
        "as_built": _load_sample(es, "as_built", sources),
        "no_positions": _load_sample(es, "no_positions", plain),
        "pairs_indexed": _load_sample(es, "pairs_indexed", paired),
    }
    base = sample["as_built"]["store_bytes"]
    return {
        "index": live,
        "documents": docs,
        "store_bytes": store,
        "disk_usage_bytes": dict(sorted(fields.items(), key=lambda kv: -kv[1])),
        "seams_bytes": fields.get(elastic.SEAMS_FIELD, 0),
        "sample": sample,
        # The sample's ratios applied to the live index.
        "positions_and_seams_bytes_scaled": round(
            store * (base - sample["no_positions"]["store_bytes"]) / base
        ),
        "pairs_indexed_bytes_scaled": round(
            store * (sample["pairs_indexed"]["store_bytes"] - base) / base
        ),
        "pairs_indexed_extra_s_scaled": round(
            (pairs_s + sample["pairs_indexed"]["load_s"] - sample["as_built"]["load_s"])
            * docs
            / max(len(sources), 1),
            1,
        ),
    }


def postgres_sizes(sample_ids: list[int]) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size(c.oid), pg_relation_size(c.oid), "
            "COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0), "
            "pg_indexes_size(c.oid) FROM pg_class c WHERE c.oid = %s::regclass",
            [TABLE],
        )
        total, heap, toast, indexes = cursor.fetchone()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = %s::regclass ORDER BY 2 DESC",
            [TABLE],
        )
        each_index = dict(cursor.fetchall())
        sums = ", ".join(f"COALESCE(SUM(pg_column_size({c})), 0)" for c in (*VECTORS, "text"))
        cursor.execute(f"SELECT COUNT(*), {sums} FROM {TABLE}")  # noqa: S608
        rows, *column_sizes = cursor.fetchone()
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            [TABLE],
        )
        columns = [name for (name,) in cursor.fetchall()]
        stripped = ", ".join(f"strip({c})" if c in VECTORS else c for c in columns)
        copies = {}
        for variant, select in (("as_built", ", ".join(columns)), ("no_positions", stripped)):
            copy = f"bench_size_{variant}"
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(
                f"CREATE TEMP TABLE {copy} (LIKE {TABLE} INCLUDING STORAGE INCLUDING COMPRESSION)"
            )
            cursor.execute(
                f"INSERT INTO {copy} SELECT {select} FROM {TABLE} "  # noqa: S608
                "WHERE page_id = ANY(%s)",
                [sample_ids],
            )
            cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [copy])
            copies[variant] = cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {copy}")
    saved = copies["as_built"] - copies["no_positions"]
    return {
        "rows": rows,
        "total_bytes": total,
        "heap_bytes": heap,
        "toast_bytes": toast,
        "indexes_bytes": indexes,
        "each_index_bytes": each_index,
        "column_bytes": dict(zip((*VECTORS, "text"), column_sizes, strict=True)),
        # Heap and TOAST of the sample rows copied (the GIN indexes hold lexemes only,
        # positions or not).
        "sample": {"rows": len(sample_ids), **{f"{k}_bytes": v for k, v in copies.items()}},
        "positions_bytes_scaled": round(saved * rows / max(len(sample_ids), 1)),
    }


def main() -> None:
    sample_ids = list(items.articles().values_list("pk", flat=True)[:SAMPLE])
    result = {"postgresql": postgres_sizes(sample_ids)}
    result["elasticsearch"] = elasticsearch_sizes(sample_ids)
    print(json.dumps(result))
