# Octavo: `make book` builds the example anthology, `make test` runs every check.
# Both create .venv and install what is missing, system packages included.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := anthologies/silent-screen

.PHONY: book test lint ace check-python system system-test clean bench

book: system $(VENV)/.installed
	$(BIN)/octavo build $(EXAMPLE) --out dist

test: system-test $(VENV)/.installed lint ace
	OCTAVO_REQUIRE_TOOLS=1 $(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

# The benchmarks (benchmarks/README.md): 1000 reviews, the book in parts and the flat one,
# every case, then a table beside the targets; half an hour or more; never part of `make test`.
bench: system $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

# Ace by DAISY, the EPUB accessibility checker (npm, into tools/ace): for the tests only.
ace:
	@scripts/setup-ace.sh

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Octavo needs Python 3.11 or newer: set PYTHON=python3.11")'

system: check-python
	@PYTHON=$(PYTHON) scripts/setup-system.sh

system-test: check-python
	@PYTHON=$(PYTHON) scripts/setup-system.sh --with-tests

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) dist .pytest_cache .mypy_cache .ruff_cache tools/ace/node_modules
