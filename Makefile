# Everything the project needs is installed here, into .venv/: nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8001
DB     ?= events.db
# Serving settings live in settings.json, read here, by the tests and by the load test: one place.
SETTINGS = $(shell $(PYTHON) -c 'import json; print(" ".join(f"--setting {k} {v}" for k, v in json.load(open("settings.json")).items()))')
# Load test: requests per concurrency level, and the levels (see bench/loadtest.py --help).
REQUESTS ?= 2000
CONCURRENCY ?= 16,64

SOURCES := $(wildcard seeds/*) $(wildcard curated/*.yml) $(shell find loader -name '*.py')

.PHONY: install db serve test validate loadtest clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

db: $(DB)

$(DB): $(VENV)/.installed $(SOURCES)
	$(BIN)/python -m loader build --seeds seeds --db $(DB)

## Build, then serve read-only (immutable) on http://$(HOST):$(PORT)/
serve: $(DB)
	$(BIN)/datasette serve --immutable $(DB) --metadata metadata.yml --host $(HOST) --port $(PORT) $(SETTINGS)

## Check seeds/ and curated/ as a build would, without writing a database
validate: $(VENV)/.installed
	$(BIN)/python -m loader validate --seeds seeds --curated curated

## Bounded load on loopback: starts `datasette serve --immutable $(DB)` (settings.json), stops it after.
## Point DB at another database (e.g. the 1M-event benchmark site) with `make loadtest DB=...`.
loadtest: $(VENV)/.installed $(if $(filter events.db,$(DB)),$(DB))
	$(BIN)/python bench/loadtest.py --db $(DB) --requests $(REQUESTS) --concurrency $(CONCURRENCY)

test: $(VENV)/.installed
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
	rm -f .$(notdir $(DB)).*.tmp  # left only by a build killed with SIGKILL
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
