# Everything the project needs is installed here, into .venv/: nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8001
DB     ?= events.db

SOURCES := $(wildcard seeds/*) $(wildcard curated/*.yml) $(shell find loader -name '*.py')

.PHONY: install db serve test clean bench bench-smoke bench-profile

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
	$(BIN)/datasette serve --immutable $(DB) --metadata metadata.yml --host $(HOST) --port $(PORT) \
	  --setting sql_time_limit_ms 3000 --setting facet_time_limit_ms 1000

test: $(VENV)/.installed
	$(BIN)/python -m pytest

## Scale benchmark (never part of `make test`): generated corpus of N event reports, our build against
## the plain-sqlite3 limit and the by-hand sqlite-utils route, and the site's latency, in one run.
## Writes bench/results.json and bench/RESULTS.md. See bench/README.md.
N ?= 10000
BENCH_TIMEOUT ?= 1800
BENCH_ARGS ?=
bench: $(VENV)/.bench
	timeout $(BENCH_TIMEOUT) $(BIN)/python bench/run.py --events $(N) $(BENCH_ARGS)

## A quick run that records nothing: does the whole benchmark still work?
bench-smoke: $(VENV)/.bench
	timeout 600 $(BIN)/python bench/run.py --events 1000 --requests 3 --no-record > /dev/null

## Where the build spends its time at size N: a pyinstrument profile in bench/work/profile-N.txt
bench-profile: $(VENV)/.bench
	$(BIN)/python bench/generate.py --events $(N) --out bench/work/profile-corpus-$(N)
	timeout $(BENCH_TIMEOUT) $(BIN)/pyinstrument -o bench/work/profile-$(N).txt -m loader build --quiet \
	  --seeds bench/work/profile-corpus-$(N)/seeds --curated bench/work/profile-corpus-$(N)/curated \
	  --db bench/work/profile-$(N).db

$(VENV)/.bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $@

clean:
	rm -rf $(VENV) $(DB) .pytest_cache bench/work
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
