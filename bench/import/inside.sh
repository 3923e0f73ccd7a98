#!/usr/bin/env bash
# The import benchmark's steps, run by bench/import/run.sh with DATABASE_URL and
# ELASTICSEARCH_URL set to its private servers.
set -euo pipefail
PY=.venv/bin/python
OUT=.services/import-bench-$BENCH_ARTICLES
rm -rf "$OUT" && mkdir -p "$OUT"
export MEDIA_ROOT=$PWD/$OUT/media
# Bulk requests on this busy machine may take longer than a reader's query may wait.
export SEARCH_ES_TIMEOUT=${SEARCH_ES_TIMEOUT:-60}
$PY manage.py migrate --noinput -v 0
$PY manage.py shell -c "
from news.models import HomePage, NewsIndexPage
home = HomePage.objects.get()
section = home.add_child(instance=NewsIndexPage(title='Lưu trữ', slug='luu-tru'))
section.save_revision().publish()
print(section.pk)
" > "$OUT/section-id"

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/load"
set +e
/usr/bin/time -v -o "$OUT/time.txt" $PY manage.py import_articles "$BENCH_ARCHIVE/exports" \
    --images "$BENCH_ARCHIVE/photos" --parent "$(tail -n 1 "$OUT/section-id")" \
    --workers "$BENCH_WORKERS" --failures "$OUT/failures.csv" --progress \
    > "$OUT/import.out" 2> "$OUT/import.err"
status=$?
set -e
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load"
tail -3 "$OUT/import.out"
echo "import exit status $status"

$PY manage.py shell -c "
import json, re, time
from pathlib import Path
from django.conf import settings
from news.models import ArticlePage
from search import service
from search.models import SearchEntry
from wagtail.models import Page
from wagtail.search.models import IndexEntry
from django.contrib.contenttypes.models import ContentType
out = Path('$OUT')
elasticsearch = service.by_name('elasticsearch')
from search.backends import elastic
elastic.client().indices.refresh(index=elastic.alias())
stamps = elasticsearch.stamps()
timing = (out / 'time.txt').read_text()
summary = (out / 'import.out').read_text().splitlines()
rate = next(line for line in summary if 'articles created a second' in line)
result = {
    'articles': int('$BENCH_ARTICLES'),
    'exit_status': $status,
    'summary': [line for line in summary if line.startswith(('Imported', '$BENCH_ARTICLES file'))],
    'articles_per_second': float(re.search(r': ([0-9.]+) articles', rate).group(1)),
    'wall_clock': re.search(r'Elapsed \(wall clock\) time.*: (.*)', timing).group(1),
    'peak_rss_mb': round(int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', timing).group(1)) / 1024, 1),
    'cpu_percent': re.search(r'Percent of CPU this job got: (.*)', timing).group(1),
    'live_articles_in_db': ArticlePage.objects.live().count(),
    'documents_in_elasticsearch': len(stamps),
    'entries_in_database_index': SearchEntry.objects.count(),
    'entries_in_wagtail_index': IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(ArticlePage)).count(),
    'tree_problems': [len(p) for p in Page.find_problems()],
    'check': {name: {k: len(v) for k, v in service.check(name).items()} for name in ('database', 'elasticsearch')},
    'load': (out / 'load').read_text().strip().splitlines(),
}
print(json.dumps(result, indent=2, ensure_ascii=False))
Path('bench/import/results-$BENCH_ARTICLES.json').write_text(json.dumps(result, indent=2, ensure_ascii=False) + '\n')
"
