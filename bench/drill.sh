#!/usr/bin/env bash
# The scale-out drill, one command:   bash bench/drill.sh [--seconds 120 ...]
#
# Starts private PostgreSQL, Redis and a two-node Elasticsearch cluster
# (scripts/services.sh with ES_NODES=2), two gunicorn app servers and nginx on
# 127.0.0.1, runs readers, searchers, counting beacons and an editor for a bounded
# time, kills one app server and one Elasticsearch node mid-run and reports what the
# readers saw (bench/drill/run.py; `--help` lists the timings). Output: a Markdown
# report on stdout and in bench/drill/last-run.md, the figures in last-run.json.
set -euo pipefail
cd "$(dirname "$0")/.."

case ${1:-} in -h | --help) exec .venv/bin/python -m bench.drill.run --help ;; esac
if [[ ${1:-} != inner ]]; then
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "nginx is required: apt-get install nginx" >&2; exit 1; }
  export SERVICES_DIR=${SERVICES_DIR:-/tmp/svc-drill} ES_NODES=2
  # One benchmark at a time on this machine.
  exec flock /tmp/bench.lock bash scripts/services.sh run postgres redis elasticsearch -- bash "$0" inner "$@"
fi
shift
echo "uptime before: $(uptime)"
.venv/bin/python -m bench.drill.run --out bench/drill/last-run.json "$@" | tee bench/drill/last-run.md
echo "uptime after: $(uptime)"
