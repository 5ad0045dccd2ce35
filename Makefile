# The two commands the README starts with: `make run` and `make test`.
# Each creates .venv on first use, so a fresh machine needs only Python and make. `make run` and
# `make check` install the monitor with what running needs (`pip install -e .`); `make test` adds the dev
# extras (`.[dev]`: pytest, ruff, mypy, matplotlib). A stamp file per install: a venv with the dev extras
# serves `make run` as it is, and `make run` then `make test` adds the dev extras to the same venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: run check test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

# `.[dev]` includes `.`, so it stamps both installs.
$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(RUNTIME) $(DEV)

run: $(RUNTIME)
	$(BIN)/monitor run

check: $(RUNTIME)
	$(BIN)/monitor check

lint: $(DEV)
	$(BIN)/ruff check monitor tests bench
	$(BIN)/ruff format --check monitor tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
