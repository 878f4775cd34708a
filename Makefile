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

RASA_DATA := domain.yml config.yml $(shell find data -name '*.yml' 2>/dev/null)
# The pipeline's own components (config.yml names them) are part of the model too.
RASA_COMPONENTS := rasa_ext/intent_classifier.py rasa_ext/sentence_encoder.py \
  rasa_ext/response_selector.py rasa_ext/entity_extractor.py rasa_ext/stored_component.py \
  rasa_ext/answer_fallback.py rasa_ext/placeholders.py rasa_ext/tokenizer.py bot/understanding.py
MODEL := models/onboarding.tar.gz
export ACTION_PORT ?= 5055
export RASA_PORT ?= 5005
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTION_PORT)/webhook
# The fuzz run of make test (tests/e2e/test_fuzz.py); `make fuzz` sends the full 10,000.
# 300 keeps make test within its CI time budget. Not fewer: with 150 no fuzz conversation
# reaches the password question, which the test wants.
export FUZZ_MESSAGES ?= 300
# endpoints.yml reads it (Rasa refuses an unset variable); the default of bot/settings.py.
export TRACKER_STORE_URL ?= sqlite:///$(CURDIR)/var/conversations.db

.PHONY: help install lock lint chromium redis postgres pytest validate model test-stories cross-validate test run shell clean bench scale-test fuzz thresholds heldout conversations

help: ## this list: every target and what it does
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-15s %s\n", $$1, $$2}' \
	  $(MAKEFILE_LIST)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@py="$$($(find_python))" || { echo "Python 3.10 is required (Rasa 3.6 supports 3.8-3.10). Install it, e.g. 'pyenv install 3.10.13', then run make again." >&2; exit 1; }; \
	if ! $(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  echo "Creating $(VENV) with $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip==26.3'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
	  -r requirements.txt -r requirements-dev.txt -c constraints.txt
	@touch $@

install: $(STAMP) ## the virtualenv .venv with the pinned dependencies

lock: ## resolve requirements*.txt afresh and pin every version in constraints.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	{ echo "# Every installed version, pinned (make lock). Do not edit by hand."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt

lint: install ## ruff check and ruff format --check
	$(BIN)/ruff check bot actions rasa_ext tests bench
	$(BIN)/ruff format --check bot actions rasa_ext tests bench

# The browser tests (tests/browser/) drive Debian's Chromium; Playwright never downloads one.
chromium: ## install Debian's Chromium for the browser tests, when missing
	@command -v chromium >/dev/null || { apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

# The lock store's race test (tests/scale/) runs against a real redis-server on loopback.
redis: ## install redis-server for the lock store's race test, when missing
	@command -v redis-server >/dev/null || { apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server; }

# The limit race tests (tests/registration/test_limits.py) also run against PostgreSQL: a
# throwaway cluster that tests/postgres.py starts on loopback. Only Debian's binaries are needed;
# a policy-rc.d answering 101 keeps the package from starting its own cluster on port 5432.
postgres: ## install Debian's PostgreSQL binaries for the limit race tests
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  ours=; [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
	    chmod 755 /usr/sbin/policy-rc.d; ours=1; }; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; \
	  status=$$?; [ -z "$$ours" ] || rm -f /usr/sbin/policy-rc.d; exit $$status; }

pytest: model chromium redis postgres ## every pytest suite (PYTEST_ARGS passes options)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

validate: install  ## training data and domain are consistent
	$(BIN)/rasa data validate --domain domain.yml --data data

# Retrained only when the domain, the config, the training data or a component changed.
$(MODEL): $(RASA_DATA) $(RASA_COMPONENTS) | $(STAMP)
	$(BIN)/rasa train --domain domain.yml --data data --config config.yml \
	  --out models --fixed-model-name onboarding

model: install $(MODEL) ## train models/onboarding.tar.gz when its inputs changed

test-stories: model  ## dialogue and NLU on the test stories, French and English
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories \
	  --fail-on-prediction-errors --out var/results/stories

# --nlu data, not data/nlu: the FAQ and chitchat answers are in data/responses/, and without them
# Rasa gives the response selector each answer's name instead of its text. Rules have no NLU
# examples: the folds hold the same examples either way.
cross-validate: install  ## NLU quality, reported in docs/quality.md (not a gate)
	$(BIN)/python -m rasa_ext.cross_validate --nlu data --config config.yml --folds 3 \
	  --out var/results/cross-validation
	$(BIN)/python -m bot.analytics.quality var/results/cross-validation

# The "not sure" thresholds of config.yml: the same cross-validation as cross-validate (same
# folds, same figures), which also keeps every test message's full NLU reading, then the
# confident wrong answers and the right answers lost for each threshold (docs/quality.md).
thresholds: install  ## cross-validation, then the "not sure" thresholds it suggests (long)
	$(BIN)/python -m bench.thresholds collect --nlu data --config config.yml --folds 3 \
	  --out var/results/cross-validation
	$(BIN)/python -m bench.thresholds tune var/results/cross-validation/readings.jsonl
	$(BIN)/python -m bot.analytics.quality var/results/cross-validation

heldout: model  ## right / confident wrong / "not sure" on questions never trained on
	$(BIN)/python -m bench.heldout --model $(MODEL)
	$(BIN)/python -m bench.heldout --model $(MODEL) --questions bench/heldout/second_set.yml
	$(BIN)/python -m bench.heldout --model $(MODEL) --questions bench/heldout/third_set.yml
	$(BIN)/python -m bench.heldout --model $(MODEL) --questions bench/heldout/fourth_set.yml
	$(BIN)/python -m bench.heldout --model $(MODEL) --questions bench/heldout/fifth_set.yml
	$(BIN)/python -m bench.heldout --model $(MODEL) --questions bench/heldout/sixth_set.yml
	$(BIN)/python -m bench.heldout --model $(MODEL) --questions bench/heldout/seventh_set.yml

test: lint test-stories pytest scale-test  ## every check: lint, test stories, pytest (with `rasa data validate`), scale test

# DEVELOPMENT=true: the demo invitations, the development mailbox (without SMTP_HOST) and a
# session secret kept in var/session-secret. A production start sets none of it (README).
# --stop-with-parent: GNU make ends at once on SIGTERM without passing it on; the launcher
# then stops everything itself.
run: model  ## the product on this machine; Ctrl-C or SIGTERM stops everything
	DEVELOPMENT=$${DEVELOPMENT:-true} $(BIN)/python -m bot.launcher --stop-with-parent

shell: model  ## talk to the assistant in the terminal (starts the action server too)
	DEVELOPMENT=$${DEVELOPMENT:-true} $(BIN)/python -m bot.launcher --shell --stop-with-parent

fuzz: model chromium  ## 10,000 hostile messages through the REST channel (long)
	FUZZ_MESSAGES=10000 $(BIN)/python -m pytest tests/e2e/test_fuzz.py -q -s --timeout=14400

bench: model  ## latency, throughput and memory under load, ours vs a bare `rasa init` assistant
	$(BIN)/python -m bench.load

# Suppliers who do not follow the script (bench/conversations/*.yml), played through the REST
# channel of the real stack; results in docs/quality.md ("Off-script conversations").
conversations: model ## off-script conversations: how many complete, need an advisor, get stuck
	$(BIN)/python -m bench.conversations

# Installs PostgreSQL, Redis and nginx from Debian when missing (root), starts them on loopback,
# runs 2 Rasa replicas and 2 action servers behind nginx and checks nothing is lost. Part of
# `make test`: the tracker kept in memory by each replica (rasa_ext/tracker_cache.py) and the
# Redis lock store are only correct together if this passes.
scale-test: model ## 2 Rasa replicas and 2 action servers behind nginx: nothing lost
	$(BIN)/python -m bench.scale_test

clean: ## remove the virtualenv, var/, caches and trained models
	rm -rf $(VENV) var .pytest_cache .ruff_cache models/*.tar.gz
