# The two commands of the README's Quick start, and what CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test lint bench vendor

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed once, and again when pyproject.toml changes (new dependencies): a second `make demo` starts at once.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(VENV)/.installed

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

## Set up and start the demo on http://127.0.0.1:8000 (SQLite in ./var, demo accounts printed).
demo: install
	$(BIN)/refugiu demo

## Install and run every check and test (on SQLite, or on the database DATABASE_URL names).
test: install-test lint
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	REFUGIU_DATA_DIR=$$(mktemp -d) SECRET_KEY=lint $(BIN)/mypy
	REFUGIU_DATA_DIR=$$(mktemp -d) SECRET_KEY=lint $(BIN)/refugiu makemigrations --check --dry-run

## Benchmarks (slow: builds 100,000-service directories and 100,000-case loads, both engines; the scale-out
## benchmark needs PostgreSQL on 127.0.0.1); see BENCHMARKS.md.
bench: install-test
	$(BIN)/python -m benchmarks.search_api --services 100000 --repeat 30
	$(BIN)/python -m benchmarks.search_page --services 20000 --baseline b5bc4e9
	$(BIN)/python -m benchmarks.proximity --services 100000 --repeat 30
	$(BIN)/python -m benchmarks.open_now --services 100000 --repeat 20
	$(BIN)/python -m benchmarks.import_rate --services 20000
	$(BIN)/python -m benchmarks.import_check --services 20000 --rounds 5
	$(BIN)/python -m benchmarks.case_pages --cases 100000 --sessions-per-case 10 --repeat 50
	$(BIN)/python -m benchmarks.annual_report --events 1000 --participants 50000
	$(BIN)/python -m benchmarks.finance_statement --partners 6 --years 3 --expenses 20000 --staff 60 --repeat 10
	$(BIN)/python -m benchmarks.scale_out --services 20000 --seconds 60 --clients 50
	$(BIN)/python -m benchmarks.backup_restore --cases 10000
	$(BIN)/python -m benchmarks.start_time --rounds 3 --baseline 9b8b392
	$(BIN)/python -m benchmarks.schemathesis_run --examples 20

## Download the third-party static files again (npm pack), check them against src/refugiu/static/vendor/README.md's
## integrity, and copy the same files in: run it to confirm them, or after changing a version there.
LEAFLET_VERSION := 1.9.4
LEAFLET_INTEGRITY := sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==
JSQR_VERSION := 1.4.0
JSQR_INTEGRITY := sha512-dxLob7q65Xg2DvstYkRpkYtmKm2sPJ9oFhrhmudT1dZvNFFTlroai3AWSpLey/w5vMcLBXRgOJsbXpdN9HzU/A==
vendor:
	set -e; work=$$(mktemp -d); cd $$work; npm pack --silent leaflet@$(LEAFLET_VERSION) >/dev/null; \
	test "sha512-$$(openssl dgst -sha512 -binary leaflet-$(LEAFLET_VERSION).tgz | base64 -w0)" = "$(LEAFLET_INTEGRITY)"; \
	tar xzf leaflet-$(LEAFLET_VERSION).tgz; target=$(CURDIR)/src/refugiu/static/vendor/leaflet; \
	mkdir -p $$target/images; cp package/LICENSE package/dist/leaflet.js package/dist/leaflet.js.map \
	package/dist/leaflet.css $$target/; cp package/dist/images/* $$target/images/; rm -rf $$work
	set -e; work=$$(mktemp -d); cd $$work; npm pack --silent jsqr@$(JSQR_VERSION) >/dev/null; \
	test "sha512-$$(openssl dgst -sha512 -binary jsqr-$(JSQR_VERSION).tgz | base64 -w0)" = "$(JSQR_INTEGRITY)"; \
	tar xzf jsqr-$(JSQR_VERSION).tgz; target=$(CURDIR)/src/refugiu/static/vendor/jsqr; \
	mkdir -p $$target; cp package/LICENSE package/dist/jsQR.js $$target/; rm -rf $$work
