# Next Season: `make run` serves the site, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The first interpreter that is at least 3.12 (Django 6.1 needs it). pyenv shims that
# have no version selected fail the check and are skipped.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3; do \
	if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo $$candidate; break; fi; done)
STAMP := $(VENV)/.installed
# The development server and the admin helper run in debug mode unless told otherwise.
run admin messages: export DEBUG ?= true

.PHONY: help run test test-fast lint admin bench bench-fanout lighthouse mutation install check-python messages clean

help:
	@echo "make run    - install, migrate, load the demo and serve http://127.0.0.1:8000"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff, the import layers and complexity"
	@echo "make admin  - create a superuser"
	@echo "make bench  - load test against gunicorn on a large generated dataset, then the fan-out"
	@echo "make bench-fanout - replies to a theory with 1,000 followers: request time, worker rate"
	@echo "make lighthouse - Lighthouse (mobile) 100 and axe 0 on the season guide and a theory with pictures"
	@echo "make mutation - mutation testing of the rule and service modules (slow; not in CI)"

check-python:
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Next Season needs Python 3.12 or newer (Django 6.1 requires it)." >&2; \
		echo "Found: $$($(or $(PYTHON),python3) --version 2>&1). Install 3.12+ or select it, e.g. 'pyenv local 3.13'." >&2; \
		exit 1; fi

$(STAMP): pyproject.toml | check-python
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Replacing $(VENV): it was made with an older Python."; rm -rf $(VENV); fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,bench]"
	@touch $@

install: $(STAMP)

# Compiled with Babel (pure Python), so a machine without GNU gettext still shows Korean.
messages: $(STAMP)
	$(BIN)/pybabel -q compile --use-fuzzy -d locale -D django

run: install messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	@# The worker runs the background tasks (fans' inboxes) beside the server; Ctrl-C
	@# stops both, and the worker goes too when the server stops on its own.
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: install messages
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	@# Complexity: no function worse than grade C (radon prints nothing then).
	@worse=$$($(BIN)/radon cc --min D --exclude ".venv/*,*/migrations/*" .); \
	if [ -n "$$worse" ]; then echo "Functions above complexity grade C:"; echo "$$worse"; exit 1; fi

admin: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createsuperuser

bench: install messages
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/fanout.py

# A theory with 1,000 followers takes a burst of replies: request time and worker throughput.
bench-fanout: install messages
	$(PY) bench/fanout.py

# Lighthouse (mobile; from npm with npx, Node.js 18.16+) and axe-core on the season guide
# and the theory with the most pictures, served by gunicorn with the production settings
# from a throwaway demo site: exit 1 below a median performance of 100 or on any axe
# violation. Reports in test-artifacts/lighthouse/. Over TLS, as `make bench` serves it:
# make lighthouse LIGHTHOUSE_ARGS="--tls"   More runs a page: LIGHTHOUSE_ARGS="--runs 5"
lighthouse: install messages
	$(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)

# Mutation testing (mutmut, configured in pyproject.toml) of the rule and service modules,
# on SQLite, with its log in mutants/run.log; the score per module and the surviving
# mutants go to mutation-report.txt. A whole run takes over four hours (README, Tests), so
# it resumes: mutmut keeps each verdict in mutants/ as it comes and tests again only the
# mutants of functions that changed since, and those named in MUTANTS. Stop it at any
# time and run it again to go on; the report sums the time of every sitting.
# A partial run: make mutation MUTANTS='guide.ranking.*'   Start over: make mutation FRESH=1
# The kept equivalents run no tests (their entries count them); to check the kept list
# itself, run them too: make mutation FRESH=1 EQUIVALENTS=1
mutation: install messages
	@if [ -n "$(FRESH)" ]; then rm -rf mutants; fi
	@mkdir -p mutants
	@start=$$(date +%s); \
	env -u DATABASE_URL $(if $(EQUIVALENTS),MUTATION_EQUIVALENTS=1) $(BIN)/mutmut run --max-children 2 $(MUTANTS) >> mutants/run.log 2>&1; \
	status=$$?; echo $$(( $$(date +%s) - start )) >> mutants/seconds; \
	if [ $$status -ne 0 ]; then tail -n 40 mutants/run.log; exit 1; fi; \
	$(PY) -m tests.mutation.report --seconds $$(awk '{ total += $$1 } END { print total }' mutants/seconds)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache mutants mutation-report.txt
