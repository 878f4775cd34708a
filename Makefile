# The two commands of the README: `make run` (the product) and `make test` (every check).
# Both install what they need first; nothing has to be set up by hand.

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

# Python 3.10 (Rasa 3.6 supports 3.8-3.10): from pyenv (.python-version names it) or PATH.
find_python = for p in python3.10 "$$(pyenv root 2>/dev/null)/versions/$$(cat .python-version)/bin/python3.10" /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	  if "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then echo "$$p"; exit 0; fi; \
	done; exit 1

.PHONY: help install lock lint pytest rasa-check test run clean

help:
	@echo "make run    start the product (installs and prepares everything first)"
	@echo "make test   install, lint and run every test"
	@echo "make lock   re-pin every dependency in constraints.txt after editing requirements*.txt"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@py="$$($(find_python))" || { echo "Python 3.10 is required (Rasa 3.6 supports 3.8-3.10). Install it, e.g. 'pyenv install 3.10.13', then run make again." >&2; exit 1; }; \
	if ! $(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  echo "Creating $(VENV) with $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip==26.3'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
	  -r requirements.txt -r requirements-dev.txt -c constraints.txt
	@touch $@

install: $(STAMP)

lock: ## resolve requirements*.txt afresh and pin every version in constraints.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	{ echo "# Every installed version, pinned (make lock). Do not edit by hand."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt

lint: install
	$(BIN)/ruff check bot actions tests
	$(BIN)/ruff format --check bot actions tests

pytest: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

rasa-check: install
	$(BIN)/rasa --version

test: lint rasa-check pytest

run: install
	$(BIN)/python -m bot db upgrade
	$(BIN)/python -m bot demo-data
	@echo "The conversation comes with the next milestone; for now the database and the CLI are ready:"
	@echo "  $(BIN)/python -m bot --help"

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
