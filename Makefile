# Patchwatch: `make run` serves it on http://127.0.0.1:8000, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint test-sqlite test-postgres bench clean web web-api web-test screenshots

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The dashboard (web/): dependencies from the lock file, a build when a source changed.
WEB_STAMP := web/node_modules/.installed-stamp
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts \
	web/tsconfig.json web/tsconfig.app.json web/tsconfig.node.json

$(WEB_STAMP): web/package.json web/package-lock.json
	npm --prefix web ci --no-audit --no-fund
	touch $(WEB_STAMP)

web/dist/index.html: $(WEB_STAMP) $(WEB_SOURCES)
	npm --prefix web run build

web: web/dist/index.html

# After an API change: dump the OpenAPI schema and regenerate the client's types (both committed,
# so building the dashboard needs no Python).
web-api: install $(WEB_STAMP)
	$(BIN)/python -c "import json; from patchwatch.app import create_app; \
	print(json.dumps(create_app().openapi(), indent=1))" > web/openapi.json
	npm --prefix web run gen:api

web-test: $(WEB_STAMP)
	npm --prefix web run typecheck && npm --prefix web test

run: install web
	$(BIN)/patchwatch db upgrade
	$(BIN)/patchwatch demo
	$(BIN)/patchwatch serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

test-sqlite: install
	env -u PATCHWATCH_TEST_DATABASE_URL $(BIN)/pytest

test-postgres: install
	@if [ -n "$$PATCHWATCH_TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest; \
	else \
		echo "PATCHWATCH_TEST_DATABASE_URL is not set: skipping the PostgreSQL pass"; \
	fi

test: lint web
	@echo "== Dashboard: types and unit tests"
	npm --prefix web run typecheck && npm --prefix web test
	@echo "== SQLite pass (with the dashboard's end-to-end tests in Chromium)"
	env -u PATCHWATCH_TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$PATCHWATCH_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL pass: $$PATCHWATCH_TEST_DATABASE_URL"; \
		$(BIN)/pytest; \
	else \
		echo "PATCHWATCH_TEST_DATABASE_URL is not set: the PostgreSQL pass is skipped"; \
	fi

# The screenshots in docs/screenshots, made by the dashboard's end-to-end tests.
screenshots: install web
	env -u PATCHWATCH_TEST_DATABASE_URL PATCHWATCH_SCREENSHOTS_DIR=docs/screenshots \
		$(BIN)/pytest tests/web

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var web/node_modules web/dist
