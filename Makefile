# `make run` and `make test` work on a fresh clone: each creates .venv when needed.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check clean openapi image

$(BIN)/.installed: pyproject.toml client/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ./client -e '.[dev,import]'
	touch $@

# Build first: a snapshot of what the corpus holds now (incremental, so quick when little
# changed), then serve it.
run: $(BIN)/.installed
	$(BIN)/article-data-api build
	$(BIN)/article-data-api serve --host $(HOST) --port $(PORT)

# Spectral, pinned in package-lock.json, lints openapi.yaml in the tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: lint $(BIN)/.installed node_modules/.installed
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(BIN)/.installed
	$(BIN)/article-data-api check

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache *.egg-info

# Regenerate the committed OpenAPI document from the schemas and routes.
openapi: $(BIN)/.installed
	$(BIN)/article-data-api openapi openapi.yaml

# The container image: docker where a daemon answers, else podman (see container/).
image:
	container/image.sh
