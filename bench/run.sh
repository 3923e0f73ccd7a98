#!/usr/bin/env bash
# The production-stack benchmark, one command:
#   bash bench/run.sh                 # ~5 minutes; writes docs/performance.md
#   bash bench/run.sh --soak 600      # plus a 10-minute soak (kept in bench/last-soak.json)
#   bash bench/run.sh --soak 600 --soak-only   # the soak alone
#   python bench/perf.py --report-only         # rewrite docs/performance.md from the saved runs
# Starts its own PostgreSQL and Redis (scripts/services.sh), gunicorn (2 sync workers)
# and nginx on 127.0.0.1 only; every load run is bounded in time. See bench/perf.py.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "install Debian packages: ${missing[*]}" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
.venv/bin/python -c 'import pyinstrument' 2>/dev/null || .venv/bin/pip install --quiet pyinstrument==5.1.3

export SERVICES_DIR=${SERVICES_DIR:-/tmp/svc-perf-bench}
exec bash scripts/services.sh run postgres redis -- .venv/bin/python bench/perf.py "$@"
