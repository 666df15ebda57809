# The README's two commands are `make demo` and `make test`; both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint format bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Browser code, bundled by esbuild from app_manifest/ (never a CDN, never committed): the ZAF
# SDK from npm for the Zendesk app and the backend's sidebar page, and our own ES modules
# (app_manifest/src) as the scripts the pages and the apps load.
NODE_MODULES := app_manifest/node_modules/.package-lock.json
ZAF_SDK := backend/static/vendor/zaf_sdk.min.js
UI_SOURCES := $(shell find app_manifest/src -name '*.js')
UI_BUNDLES := backend/static/sidebar.js backend/static/review.js backend/static/zendesk.js backend/static/insights.js \
	app_manifest/freshdesk/app/scripts/app.js

$(NODE_MODULES): app_manifest/package.json app_manifest/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to bundle the sidebar and the ZAF SDK (install Node.js 18+)"; exit 1; }
	cd app_manifest && npm ci --no-audit --no-fund
	touch $@

$(ZAF_SDK): $(NODE_MODULES)
	cd app_manifest && npm run build:zaf

$(UI_BUNDLES) &: $(NODE_MODULES) $(UI_SOURCES)
	cd app_manifest && npm run build:ui

install: $(STAMP) $(ZAF_SDK) $(UI_BUNDLES)

demo: install  ## load the demo help centre and tickets, then serve http://127.0.0.1:5000/preview
	$(BIN)/precedent demo

test: install  ## unit tests of the browser code (node --test), then unit, integration and browser tests
	cd app_manifest && npm test
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check backend tests benchmarks
	$(BIN)/ruff format --check backend tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix backend tests benchmarks
	$(BIN)/ruff format backend tests benchmarks

bench: install  ## print benchmark figures as JSON (see docs/benchmarks.md); needs ../shared/data
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/draft_latency.py
	$(BIN)/python benchmarks/pii.py
	$(BIN)/python benchmarks/gate.py
	$(BIN)/python benchmarks/stream_guard.py
