#!/usr/bin/env bash
# CPU per request in one process (no wrk, no gunicorn): bash bench/stats/inprocess.sh [N]
# Starts its own PostgreSQL and Redis like run.sh; prints bench.stats.tool inprocess.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ ${1:-} != inner ]]; then
  export SERVICES_DIR=${SERVICES_DIR:-/tmp/svc-stats-inprocess}
  exec bash scripts/services.sh run postgres redis -- bash "$0" inner "${1:-3000}"
fi
PY=$PWD/.venv/bin/python
WORK=$(mktemp -d /tmp/stats-inprocess.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export DJANGO_SETTINGS_MODULE=bench.stats.settings
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false STATS_READER_COOKIE_SECURE=false
export STATIC_ROOT=$WORK/static MEDIA_ROOT=$WORK/media PAGE_CACHE_SECONDS=0 LOG_LEVEL=WARNING
export STATS_BENCH_LOCAL_SECONDS=0
"$PY" manage.py migrate --noinput -v0
PREPARED=$("$PY" -m bench.stats.tool prepare "$WORK/cookies.txt" 1 | tail -n 1)
read -r PAGE _ <<<"$PREPARED"
uptime
"$PY" -m bench.stats.tool inprocess "$PAGE" "$2"
uptime
