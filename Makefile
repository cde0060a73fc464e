# Patchwatch: `make run` serves it on http://127.0.0.1:8000, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint test-sqlite test-postgres bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
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

test: lint
	@echo "== SQLite pass"
	env -u PATCHWATCH_TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$PATCHWATCH_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL pass: $$PATCHWATCH_TEST_DATABASE_URL"; \
		$(BIN)/pytest; \
	else \
		echo "PATCHWATCH_TEST_DATABASE_URL is not set: the PostgreSQL pass is skipped"; \
	fi

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
