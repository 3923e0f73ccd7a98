#!/usr/bin/env bash
# The stats benchmark, one command:   bash bench/stats/run.sh
#
# Starts its own PostgreSQL and Redis (scripts/services.sh), gunicorn with the
# production settings and 2 sync workers (BENCH_WORKERS, BENCH_WORKER_CLASS and
# BENCH_THREADS to change) on 127.0.0.1, and
# measures with wrk:
#   1. a bare Django view returning the same JSON without counting
#   1b. the bare view plus one Redis round trip (a script that returns 1): the floor of
#       any beacon decided in Redis during the request
#   2. the counting endpoint, one reader repeating (every request de-duplicated)
#   3. the counting endpoint, a new reader on every request (every request counted)
#   4. as 2, with STATS_LOCAL_SECONDS=0: every repeat decided by the Lua call in Redis
#   4b. the bare view plus the durable record of a counted view and visit, no decision:
#       the floor of any design that keeps a Hit row per counted view
#   5. the article page with and without the widget and counter (page cache off)
# then checks the counts are exact. Output: a Markdown report on stdout and in
# bench/stats/last-run.md. Bounded: each wrk run lasts BENCH_SECONDS (default 10).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ ${1:-} != inner ]]; then
  command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
  export SERVICES_DIR=${SERVICES_DIR:-/tmp/svc-stats-bench}
  exec bash scripts/services.sh run postgres redis -- bash "$0" inner
fi

PY=$PWD/.venv/bin/python
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
# Sync workers: 2 (one per core), or BENCH_WORKERS.
WORKERS=${BENCH_WORKERS:-2}
WORKER_CLASS=${BENCH_WORKER_CLASS:-sync}
THREADS=${BENCH_THREADS:-1}
WORK=$(mktemp -d /tmp/stats-bench.XXXXXX)
export DJANGO_SETTINGS_MODULE=bench.stats.settings
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,.localhost SECURE_SSL_REDIRECT=false STATS_READER_COOKIE_SECURE=false
export STATIC_ROOT=$WORK/static MEDIA_ROOT=$WORK/media PAGE_CACHE_SECONDS=0 LOG_LEVEL=WARNING
GUNICORN_PID=""
cleanup() {
  if [[ -n $GUNICORN_PID ]]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
PREPARED=$("$PY" -m bench.stats.tool prepare "$WORK/cookies.txt" 400000 | tail -n 1)
read -r PAGE URL HOST <<<"$PREPARED"
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT

start_app() {  # start_app [ENV=VALUE...]
  env "$@" "$PWD/.venv/bin/gunicorn" --workers "$WORKERS" --worker-class "$WORKER_CLASS" --threads "$THREADS" --bind "127.0.0.1:$PORT" \
    --access-logfile /dev/null --error-logfile "$WORK/gunicorn.log" portal.wsgi:application &
  GUNICORN_PID=$!
  for _ in $(seq 100); do
    curl -fso /dev/null -H "Host: $HOST" "$BASE$URL" && return 0
    sleep 0.2
  done
  echo "gunicorn did not start" >&2; cat "$WORK/gunicorn.log" >&2; exit 1
}
stop_app() { kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""; }

run_wrk() {  # run_wrk LABEL PATH [ENV=VALUE...]
  local label=$1 path=$2
  shift 2
  local line cpu0 cpu1
  read -r -a cpu0 < <("$PY" bench/stats/cpu.py "$GUNICORN_PID")
  line=$(env "$@" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -H "Host: $HOST" -s bench/stats/wrk.lua "$BASE$path" | grep '^RESULT')
  read -r -a cpu1 < <("$PY" bench/stats/cpu.py "$GUNICORN_PID")
  line="$line app_cpu=$(awk "BEGIN{print ${cpu1[0]}-${cpu0[0]}}") db_cpu=$(awk "BEGIN{print ${cpu1[1]}-${cpu0[1]}}") redis_cpu=$(awk "BEGIN{print ${cpu1[2]}-${cpu0[2]}}")"
  echo "$label $line" >>"$WORK/results"
  echo "$label $line" >&2
}

BODY="{\"page\": $PAGE}"
uptime >"$WORK/load-start"
start_app DJANGO_SETTINGS_MODULE=bench.stats.settings
WARM=$(curl -s -X POST -H 'Content-Type: application/json' -A 'Mozilla/5.0 Chrome/130' -d "$BODY" "$BASE/stats/hit/" -o /dev/null -w '%{http_code}')
[[ $WARM == 428 ]] || { echo "unexpected beacon status $WARM" >&2; exit 1; }
run_wrk bare /bench/bare/ BENCH_BODY="$BODY" BENCH_COOKIE="$("$PY" -m bench.stats.tool cookie)"
run_wrk roundtrip /bench/roundtrip/ BENCH_BODY="$BODY"
run_wrk repeat /stats/hit/ BENCH_BODY="$BODY" BENCH_COOKIE="$("$PY" -m bench.stats.tool cookie)"
read -r HITS0 ROWS0 READERS0 DAILY0 VISITS0 < <("$PY" -m bench.stats.tool counts "$PAGE")
run_wrk counted /stats/hit/ BENCH_BODY="$BODY" BENCH_COOKIES="$WORK/cookies.txt"
# Counted views reach PostgreSQL in batches (stats/services/batch.py); stopping gunicorn
# (SIGTERM, a graceful stop) makes each worker write its queue before it exits.
stop_app
read -r HITS1 HIT_ROWS READERS DAILY VISITS < <("$PY" -m bench.stats.tool counts "$PAGE")
start_app DJANGO_SETTINGS_MODULE=bench.stats.settings STATS_BENCH_LOCAL_SECONDS=0
run_wrk repeat_redis /stats/hit/ BENCH_BODY="$BODY" BENCH_COOKIE="$("$PY" -m bench.stats.tool cookie)"
run_wrk record /bench/record/ BENCH_BODY="$BODY"
stop_app
# The page with and without the stats tags, each on freshly started workers, twice in
# alternation: the machine's load changes within a run, so one pair can mislead.
for round in "" _b; do
  start_app DJANGO_SETTINGS_MODULE=bench.stats.settings
  run_wrk "page$round" "$URL"
  stop_app
  start_app DJANGO_SETTINGS_MODULE=bench.stats.settings STATS_BENCH_STUB=1
  run_wrk "page_without_stats$round" "$URL"
  stop_app
done
uptime >"$WORK/load-end"

"$PY" - "$WORK/results" "$WORK/load-start" "$WORK/load-end" "$WORKERS" "$WORKER_CLASS" "$THREADS" "$HITS0" "$HITS1" "$((HIT_ROWS - ROWS0))" "$((READERS - READERS0))" "$((DAILY - DAILY0))" "$((VISITS - VISITS0))" "$CONNECTIONS" "$SECONDS_EACH" <<'PYEOF' | tee bench/stats/last-run.md
import re, sys, platform, os
path, load_start, load_end, workers, worker_class, threads, hits0, hits1, rows, readers, daily, visits, conns, secs = sys.argv[1:]
runs = {}
for line in open(path):
    label, _, rest = line.partition(" RESULT ")
    runs[label] = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", rest)}
bare = runs["bare"]["rps"]
print(f"Stats benchmark: gunicorn {workers} {worker_class} workers ({threads} thread(s) each), production settings, PostgreSQL + Redis, "
      f"wrk -t2 -c{conns} -d{secs}s on 127.0.0.1 ({os.cpu_count()} cores, {platform.python_version()}).\n")
print(f"Machine load (`uptime`) before: `{open(load_start).read().strip()}`; "
      f"after: `{open(load_end).read().strip()}`.\n")
def cost(r, *keys):  # CPU milliseconds per completed request
    return sum(r[k] for k in keys) * 1000 / max(r["requests"], 1)
bare_cpu = cost(runs["bare"], "app_cpu")
print("| run | req/s | p50 ms | p99 ms | non-2xx | ratio to bare (req/s) | app CPU ms/req | PostgreSQL + Redis CPU ms/req | ratio to bare (app CPU) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for label, r in runs.items():
    beacon = label in ("bare", "roundtrip", "repeat", "counted", "repeat_redis", "record")
    ratio = f"{r['rps'] / bare:.2f}" if beacon else ""
    cpu_ratio = f"{bare_cpu / cost(r, 'app_cpu'):.2f}" if beacon else ""
    print(f"| {label} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['non2xx']:.0f} | {ratio} "
          f"| {cost(r, 'app_cpu'):.2f} | {cost(r, 'db_cpu', 'redis_cpu'):.2f} | {cpu_ratio} |")
for suffix, name in (("", "first pair"), ("_b", "second pair")):
    page, without = runs["page" + suffix], runs["page_without_stats" + suffix]
    print(f"\nArticle page ({name}): {page['p50_ms']:.2f} ms p50 with the widget and counter, "
          f"{without['p50_ms']:.2f} ms without ({page['p50_ms'] - without['p50_ms']:+.2f} ms); "
          f"{page['rps']:.0f} vs {without['rps']:.0f} req/s; app CPU {cost(page, 'app_cpu'):.2f} vs "
          f"{cost(without, 'app_cpu'):.2f} ms per page, PostgreSQL + Redis CPU "
          f"{cost(page, 'db_cpu', 'redis_cpu'):.2f} vs {cost(without, 'db_cpu', 'redis_cpu'):.2f} ms.")
# Time per request is 1/throughput. A beacon decided in Redis during the request that
# keeps a Hit row per counted view pays at least the round trip and the record, each
# measured above on top of the bare view; everything else it does (cookie, exclusions,
# the decision itself) comes on top of this floor.
if "roundtrip" in runs and "record" in runs:
    t_bare = 1 / bare
    extra_rt = 1 / runs["roundtrip"]["rps"] - t_bare
    extra_rec = 1 / runs["record"]["rps"] - t_bare
    floor = t_bare / (t_bare + extra_rt + extra_rec)
    print(f"\nFloor of a counted beacon decided in Redis during the request: the bare view "
          f"{t_bare * 1e6:.0f} us per request, + {extra_rt * 1e6:.0f} us for one Redis round trip, "
          f"+ {extra_rec * 1e6:.0f} us for the durable record = {floor:.2f} of the bare view's "
          f"throughput before any of the beacon's own work; the counted beacon measured "
          f"{runs['counted']['rps'] / bare:.2f} (it must stay at or above 0.45).")
delta = int(hits1) - int(hits0)
completed = int(runs["counted"]["requests"])
exact = delta == int(rows) == int(readers) == int(daily)
print(f"\nExactness of the counted run: the counter rose by {delta}; new Hit rows {rows}, new "
      f"distinct readers {readers}, daily views +{daily}, visits +{visits}; wrk completed {completed} "
      f"requests (requests still in flight when wrk stops are counted but not reported, "
      f"at most {conns}). Consistent: {'yes' if exact and 0 <= delta - completed <= int(conns) else 'NO'}.")
PYEOF
