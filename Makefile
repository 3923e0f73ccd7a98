# Cổng thông tin điện tử: a Wagtail news and events portal.
# `make` or `make help` lists the targets.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help run test check lint format messages clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-15s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# What the portal needs to run; `make run` installs nothing more.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The runtime and the developer tools (tests, ruff, djLint, polib).
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

run: $(VENV)/.installed ## Serve the embedded default (SQLite, demo content) at http://127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --if-empty
	$(MANAGE) ensure_admin
	$(MANAGE) runserver 127.0.0.1:8000

test: $(VENV)/.installed-dev ## Start real PostgreSQL, Redis and Elasticsearch, run every check and the whole suite
	bash scripts/test.sh

check: $(VENV)/.installed-dev ## Django checks, migrations, ruff, djLint (no services needed)
	bash scripts/test.sh checks

lint: $(VENV)/.installed-dev ## ruff lint and format check, djLint format check of the templates
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --check .

format: $(VENV)/.installed-dev ## Apply ruff fixes and formatting, reformat the templates
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint --reformat --quiet .

messages: $(VENV)/.installed-dev ## Extract and compile the Vietnamese translations (needs gettext)
	$(MANAGE) makemessages -l vi --no-obsolete --ignore=.venv --ignore=.services --ignore=locale --ignore=tests --ignore=*/tests
	$(PY) locale/translate_vi.py
	$(PY) locale/build_admin_vi.py

clean: ## Remove the virtualenv, the local database, media and service data
	rm -rf $(VENV) db.sqlite3 media .test-media .services test-artifacts
