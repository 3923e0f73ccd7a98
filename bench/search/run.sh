#!/usr/bin/env bash
# Archive search benchmark: 100,000 generated articles (bench/search/corpus.py) on private
# PostgreSQL, Redis and Elasticsearch (127.0.0.1 only), rebuild time and JSON-endpoint
# latency under gunicorn for 72 queries in classes (names, places, phrases, quoted, common,
# rare, filters, misses; word pairs, diacritics intent, acronyms, typos, partial
# diacritics, questions, authors), with each query's exact match count, and the header
# box's suggestions (/search/suggest/) for every prefix of a dozen typed queries. Exits
# non-zero when the two engines disagree on any total.
#
#   flock /tmp/bench.lock bash bench/search/run.sh   # BENCH_ARTICLES=100000 by default
#   BENCH_ARTICLES=2000 BENCH_ROUNDS=1 BENCH_WARMUP_SECONDS=0 bash bench/search/run.sh   # a quick trial
# BENCH_ROUNDS: measured rounds of the queries (3), after each engine's warm-up: at least
# BENCH_WARMUP_ROUNDS rounds (2) and BENCH_WARMUP_SECONDS seconds (90); BENCH_OUT:
# where results go (written after each phase; a run cut by BENCH_TIMEOUT keeps them).
#
# Results go to bench/search/results.json and are printed as a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
export ES_HEAP=${ES_HEAP:-1g}
# A production server's buffer cache (docs/operations.md): the search table's rows and GIN
# indexes stay in PostgreSQL's own cache instead of being copied in from the OS's on every
# scan of a large match set.
export PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-1GB}
export SERVICES_DIR=${SERVICES_DIR:-$PWD/.services/bench}
exec timeout "${BENCH_TIMEOUT:-1800}" bash scripts/services.sh run postgres redis elasticsearch -- \
    .venv/bin/python bench/search/bench.py "$@"
