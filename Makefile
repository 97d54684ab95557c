# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The suite runs on the real stack; override these to point at other servers.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pepr
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test bench messages check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required (set PYTHON=...).")'

$(VENV)/.installed-run: pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# Serve the whole portal on SQLite with Celery tasks in-process, demo data and demo accounts.
run: $(VENV)/.installed-run
	mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input -v 0
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_reference_data
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo --if-empty
	@echo "\nThe portal is at http://$(HOST):$(PORT)/ (stop with Ctrl-C)."
	DJANGO_DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite on PostgreSQL, Redis, a real Celery worker and Debian's Chromium.
test: $(VENV)/.installed-dev
	bin/ensure-system-packages
	$(BIN)/ruff check --select F,E9 pepr calls governance projects tests bench
	$(BIN)/lint-imports
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) bin/ensure-services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/python -m pytest --create-db $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) bin/ensure-services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python bench/run.py

# Refresh the French and English catalogues after adding strings, then translate locale/*/django.po.
messages: $(VENV)/.installed-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l fr -l en --no-obsolete --ignore=.venv
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
