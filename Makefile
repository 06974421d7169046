# `make up` and `make test` work on a fresh clone with only Python 3.11, Node 20
# and make: each first brings .venv and router/node_modules up to date with the
# lock files, then hands over to the `minishop` CLI or pytest.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamp: the venv matches pyproject.toml and uv.lock as of its date.
SYNCED := $(VENV)/.synced
NODE_MODULES := router/node_modules/.package-lock.json
WEB_MODULES := web/node_modules/.package-lock.json
# The apps' builds; rebuilt when their sources, the operations or the schema change.
WEB_BUILDS := web/storefront/dist/index.html web/admin/dist/index.html
WEB_SOURCES := $(shell find web/shared web/storefront web/admin -path '*/node_modules' -prune \
	-o -path '*/dist' -prune -o -path '*/src/gql' -prune -o -type f -print 2>/dev/null) \
	$(wildcard schema/operations/*/*.graphql) schema/supergraph.graphql \
	schema/persisted-query-manifest.json

.PHONY: up test lint deps node-deps web bytecode

up: deps bytecode web
	$(BIN)/minishop up

test: lint deps bytecode web
	$(BIN)/pytest

# The storefront and admin apps (generated types checked against the schema).
web: $(WEB_BUILDS)

$(WEB_MODULES): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund
	mkdir -p $(dir $@) && touch $@

$(WEB_BUILDS) &: $(WEB_MODULES) $(WEB_SOURCES)
	npm run build --prefix web

lint: $(SYNCED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

deps: $(SYNCED) node-deps

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install uv==0.13.8

$(SYNCED): $(BIN)/uv pyproject.toml uv.lock
	$(BIN)/uv sync --frozen --compile-bytecode
	touch $@

# Compiled modules for our own packages too. Where PYTHONDONTWRITEBYTECODE is
# set, nothing caches them otherwise, and every process (a stack runs a dozen)
# compiles what it imports again: about 2 s of CPU each on this project.
bytecode: $(SYNCED)
	$(BIN)/python -m compileall -q -j 0 shared subgraphs bench

# npm ci needs the lock file; without one there is nothing to install from yet.
ifneq ($(wildcard router/package-lock.json),)
node-deps: $(NODE_MODULES)

$(NODE_MODULES): router/package.json router/package-lock.json
	npm ci --prefix router --no-audit --no-fund
	mkdir -p $(dir $@) && touch $@
else
node-deps:
endif
