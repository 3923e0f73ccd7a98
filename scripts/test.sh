#!/usr/bin/env bash
# The test command behind `make test` (and so `.ci/run`):
#   checks    ruff, djLint, manage.py check (also --deploy with production settings),
#             makemigrations --check
#   all       the checks, then the whole suite against real PostgreSQL, Redis and
#             Elasticsearch,
#             then the embedded-default pass on SQLite.
# Any failure, including a service that cannot start, makes it exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
stage() { printf '\n==> %s\n' "$*"; }

checks() {
  stage "ruff lint and format check"
  .venv/bin/ruff check .
  .venv/bin/ruff format --check .

  stage "djLint format check of the templates (make format reformats them)"
  .venv/bin/djlint --check .

  stage "manage.py check"
  DJANGO_SETTINGS_MODULE=portal.settings.test "$PY" manage.py check --fail-level WARNING

  stage "manage.py check --deploy (production settings)"
  env DJANGO_SETTINGS_MODULE=portal.settings.production \
    SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=portal.example.vn \
    DATABASE_URL=postgres://portal@127.0.0.1:5432/portal \
    REDIS_URL=redis://127.0.0.1:6379/0 MEDIA_ROOT=/srv/portal/media \
    "$PY" manage.py check --deploy --fail-level WARNING

  stage "makemigrations --check"
  DJANGO_SETTINGS_MODULE=portal.settings.test "$PY" manage.py makemigrations --check --dry-run
}

ensure_packages() {
  # Debian packages the suite drives for real: Chromium (browser tests through
  # Playwright; no browser is downloaded), nginx and openssl (the deploy/ config).
  # PostgreSQL, Redis and Elasticsearch are handled by scripts/services.sh.
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v npm >/dev/null || missing+=(nodejs npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  stage "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing Debian packages: ${missing[*]} (run as root or install them)." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_test_tooling() {
  # axe-core from npm (pinned in tests/tooling/package-lock.json) for the accessibility
  # audit in tests/test_accessibility.py; never from a CDN.
  [ -f tests/tooling/node_modules/axe-core/axe.min.js ] && return 0
  stage "installing the browser-test tooling from npm (tests/tooling)"
  npm ci --prefix tests/tooling --no-audit --no-fund --ignore-scripts
}

suite() {
  ensure_packages
  ensure_test_tooling
  mkdir -p test-artifacts
  stage "pytest: the whole suite on PostgreSQL, Redis and Elasticsearch (2 nodes)"
  # Two Elasticsearch nodes: tests/test_drill.py kills one under load.
  ES_NODES=2 bash scripts/services.sh run postgres redis elasticsearch -- "$PY" -m pytest

  stage "pytest: the embedded default on SQLite (no Redis)"
  env -u REDIS_URL -u ELASTICSEARCH_URL DATABASE_URL="sqlite:///$PWD/.test-embedded.sqlite3" \
    "$PY" -m pytest -m embedded
}

case "${1:-all}" in
  checks) checks ;;
  suite) suite ;;
  all) checks; suite ;;
  *) echo "usage: $0 [checks|suite|all]" >&2; exit 2 ;;
esac
