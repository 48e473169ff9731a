# Everything the project needs is installed here, into .venv/: nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8001
DB     ?= events.db
# Serving settings live in settings.json, read here, by the tests, by the benchmarks and by Datasette's
# configuration-directory mode (`datasette serve .`): one place. loader/serving.py turns them into flags.
SETTINGS = $(shell $(PYTHON) -m loader.serving settings.json)
# Counts and hash for immutable serving, made beside the database (configuration-directory mode reads it there too).
INSPECT = $(dir $(DB))inspect-data.json
# Load test: requests per concurrency level, and the levels (see bench/loadtest.py --help).
REQUESTS ?= 2000
CONCURRENCY ?= 16,64

SOURCES := $(wildcard seeds/*) $(wildcard curated/*.yml) $(shell find loader -name '*.py') metadata.yml

.PHONY: install db serve settings test validate check docs loadtest clean bench bench-smoke bench-profile

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

db: $(DB)

$(DB): $(VENV)/.installed $(SOURCES)
	$(BIN)/python -m loader build --seeds seeds --db $(DB)

$(INSPECT): $(DB)
	cd $(dir $(DB)) && $(CURDIR)/$(BIN)/datasette inspect $(notdir $(DB)) --inspect-file inspect-data.json

## Build, then serve read-only (immutable, counts from the inspect file) on http://$(HOST):$(PORT)/
## The site's own plugin (loader/site) adds the event page template and the highlighted search.
## loader/site/server.py runs `datasette serve`'s own words on one process per core (at most 4).
serve: $(DB) $(INSPECT)
	$(if $(SETTINGS),,$(error settings.json gave no serving settings))
	$(BIN)/python -m loader.site.server serve --immutable $(DB) --inspect-file $(INSPECT) --metadata metadata.yml \
	  --host $(HOST) --port $(PORT) $(SETTINGS)

## The serving settings as `datasette serve` flags (for `datasette package --extra-options`)
settings:
	$(if $(SETTINGS),,$(error settings.json gave no serving settings))
	@echo $(SETTINGS)

## Check seeds/ and curated/ as a build would, without writing a database
validate: $(VENV)/.installed
	$(BIN)/python -m loader validate --seeds seeds --curated curated

# Files with a part written from loader/tables.py by cog (the table declarations).
COGGED := metadata.yml README.md

## Lint (ruff), the generated docs in step with loader/tables.py (cog --check), and seeds/ and curated/ valid.
## Formatting is checked only on the files written in ruff's format; the rest is linted, not reformatted.
check: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check loader/tables.py loader/enrich/participants.py
	$(BIN)/cog --check $(COGGED)
	$(BIN)/python -m loader validate --seeds seeds --curated curated

## Rewrite what loader/tables.py declares into metadata.yml (tables) and README.md (the table of tables)
docs: $(VENV)/.installed
	$(BIN)/cog -r $(COGGED)

## Bounded load on loopback: serves $(DB) as `make serve` does (settings.json, every core), stops it after.
## Point DB at another database (e.g. the 1M-event benchmark site) with `make loadtest DB=...`.
loadtest: $(VENV)/.installed $(if $(filter events.db,$(DB)),$(DB))
	$(BIN)/python bench/loadtest.py --db $(DB) --requests $(REQUESTS) --concurrency $(CONCURRENCY)

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
	rm -rf $(VENV) $(DB) $(INSPECT) .pytest_cache test-artifacts bench/work
	rm -f .$(notdir $(DB)).*.tmp  # left only by a build killed with SIGKILL
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
