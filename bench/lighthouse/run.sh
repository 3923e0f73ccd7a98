#!/usr/bin/env bash
# Lighthouse on the home page and an article behind the production stack; see run.py.
#   flock /tmp/bench.lock bash bench/lighthouse/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "install nginx" >&2; exit 1; }
[ -f bench/lighthouse/node_modules/lighthouse/cli/index.js ] \
  || npm ci --prefix bench/lighthouse --no-audit --no-fund
export SERVICES_DIR=${SERVICES_DIR:-/tmp/svc-lighthouse}
exec bash scripts/services.sh run postgres redis -- .venv/bin/python bench/lighthouse/run.py "$@"
