# Everything the project needs is installed here, into .venv/: nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8001
DB     ?= events.db

SOURCES := $(wildcard seeds/*) $(wildcard curated/*.yml) $(shell find loader -name '*.py')

.PHONY: install db serve test clean

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

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
