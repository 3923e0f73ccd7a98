#!/usr/bin/env bash
# Import benchmark: BENCH_ARTICLES (100,000) generated exports, every 10th with photos,
# imported by `manage.py import_articles` into a fresh PostgreSQL with Elasticsearch
# configured (private servers on 127.0.0.1, scripts/services.sh). Reports articles a
# second, the import's peak memory (/usr/bin/time -v) and the index state: published
# articles in the database against documents in Elasticsearch and in the database's
# own search index, and `search_index --check`.
#
#   flock /tmp/bench.lock bash bench/import/run.sh          # 100,000 articles
#   BENCH_ARTICLES=2000 bash bench/import/run.sh            # a quick trial
#
# The archive is written once per size to BENCH_ARCHIVE (.services/import-archive-N) and
# reused. Results: bench/import/results-N.json and the command's output in .services/.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BENCH_ARTICLES=${BENCH_ARTICLES:-100000}
export BENCH_ARCHIVE=${BENCH_ARCHIVE:-$PWD/.services/import-archive-$BENCH_ARTICLES}
export BENCH_WORKERS=${BENCH_WORKERS:-2}
export ES_HEAP=${ES_HEAP:-1g}
export SERVICES_DIR=${SERVICES_DIR:-$PWD/.services/import-bench}
export DJANGO_SETTINGS_MODULE=portal.settings.dev

if [ ! -f "$BENCH_ARCHIVE/.complete" ]; then
    rm -rf "$BENCH_ARCHIVE"
    echo "writing $BENCH_ARTICLES exports to $BENCH_ARCHIVE" >&2
    .venv/bin/python bench/import/generate.py "$BENCH_ARCHIVE" "$BENCH_ARTICLES" >&2
    touch "$BENCH_ARCHIVE/.complete"
fi
exec timeout "${BENCH_TIMEOUT:-5400}" bash scripts/services.sh run postgres elasticsearch -- \
    bash bench/import/inside.sh
