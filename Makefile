# Cổng thông tin điện tử: a Wagtail news and events portal.
# `make` or `make help` lists the targets.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help run test check lint format messages services-shell clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed ## Serve the embedded default (SQLite, demo content) at http://127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --if-empty
	$(MANAGE) ensure_admin
	$(MANAGE) runserver 127.0.0.1:8000

test: $(VENV)/.installed ## Start real PostgreSQL and Redis, run every check and the whole suite
	bash scripts/test.sh

check: $(VENV)/.installed ## Django checks, migrations, ruff (no services needed)
	bash scripts/test.sh checks

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.installed ## Extract and compile the Vietnamese translations (needs gettext)
	$(MANAGE) makemessages -l vi --ignore=.venv --ignore=.services
	$(PY) -m pip install --quiet polib
	$(PY) locale/translate_vi.py

clean: ## Remove the virtualenv, the local database, media and service data
	rm -rf $(VENV) db.sqlite3 media .test-media .services test-artifacts
