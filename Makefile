# make run: install and serve on http://$(HOST):$(PORT) (SQLite in var/ unless FLICKLIST_DATABASE_URL says otherwise)
# make test: install and run the whole test suite; make test-fast: all but the browser, live-server and slow tests
# make demo-catalog: a synthetic film catalog in the database `make run` serves, to try the search
VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
BIN := $(VENV)/bin

.PHONY: run test test-fast demo-catalog lint bench install install-dev clean screenshots mutants

# The app alone for `make run`; the test tools (pytest, Playwright, ruff) only for what uses them.
install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(BIN)/flicklist db upgrade
	$(BIN)/flicklist serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# One worker a core; a module's tests stay on one worker, with its live server; the longest
# modules go first (tests/conftest.py), not the ones of most tests (xdist's own order).
test: install-dev
	$(BIN)/pytest -n auto --dist loadscope --no-loadscope-reorder

# Leaves out what runs FlickList in other processes and what is slow by nature (the markers in
# pyproject.toml); CI runs `make test`.
test-fast: install-dev
	$(BIN)/pytest -n auto --dist loadscope --no-loadscope-reorder -m "not browser and not live_server and not slow"

# IMDb's file format with made-up titles and people (catalog/synthetic.py): DEMO_LINES lines of
# title.basics, about one in ten a film, and the files of their people and titles elsewhere. FLICKLIST_DATABASE_URL picks another database, as for `make run`.
DEMO_LINES ?= 1200000
DEMO_DIR := var/demo-catalog
demo-catalog: install
	$(BIN)/flicklist db upgrade
	$(BIN)/python -m flicklist.catalog.synthetic $(DEMO_DIR) --lines $(DEMO_LINES)
	$(BIN)/flicklist catalog load $(DEMO_DIR)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) *.egg-info build dist .pytest_cache .ruff_cache

screenshots: install-dev
	FLICKLIST_SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -q tests/browser/test_accessibility.py tests/browser/test_looks.py tests/browser/test_combobox.py tests/browser/test_share_and_stats_pages.py -k "screenshots or admin or stats or shared"

# Small deliberate breaks in the code, each of which the tests must catch (tests/mutants.py).
mutants: install-dev
	$(BIN)/python tests/mutants.py

bench: install-dev
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py
