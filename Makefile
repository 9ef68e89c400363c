# make run   — set up, load the demo content into SQLite, serve it on http://127.0.0.1:5000
# make test  — set up, run every test (SQLite; PostgreSQL when WIDGETS_TEST_DATABASE_URL is set)
# make lint  — ruff, mypy and the import contracts (lint-imports);  make bench — the benchmarks under bench/

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CATALOGS := $(wildcard src/widget_service/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
DEV := WIDGETS_ENV=development

.PHONY: setup run test lint format bench translations extract clean

setup: $(STAMP) $(COMPILED)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@ -l $(word 4,$(subst /, ,$<))

run: setup
	$(DEV) $(BIN)/widget-service init-db
	$(DEV) $(BIN)/widget-service demo
	$(DEV) $(BIN)/widget-service serve

test: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# after changing user-facing text: extract, then translate the new entries in the .po files
extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o src/widget_service/translations/messages.pot --no-location --sort-output --omit-header src widgets
	$(BIN)/pybabel update -i src/widget_service/translations/messages.pot -d src/widget_service/translations --ignore-obsolete --ignore-pot-creation-date --no-wrap

clean:
	rm -rf $(VENV) instance src/instance .pytest_cache .mypy_cache .ruff_cache
	find . -name '*.mo' -delete
