# make run: install and serve on http://$(HOST):$(PORT) (SQLite in var/ unless FLICKLIST_DATABASE_URL says otherwise)
# make test: install and run the whole test suite
VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
BIN := $(VENV)/bin

.PHONY: run test lint bench install install-dev clean screenshots mutants

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

# One worker a core; a module's tests stay on one worker, with its live server.
test: install-dev
	$(BIN)/pytest -n auto --dist loadscope

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) *.egg-info build dist .pytest_cache .ruff_cache

screenshots: install-dev
	FLICKLIST_SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -q tests/browser/test_accessibility.py tests/browser/test_combobox.py tests/browser/test_share_and_stats_pages.py -k "screenshots or admin or stats or shared"

# Small deliberate breaks in the code, each of which the tests must catch (tests/mutants.py).
mutants: install-dev
	$(BIN)/python tests/mutants.py

bench: install-dev
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py
