# Control Tower — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: venv messages demo test lint typecheck check bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.x)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)  ## Create the virtualenv.

messages: $(STAMP)  ## Compile the French and Spanish catalogs (locale/*/LC_MESSAGES/django.mo; GNU gettext's msgfmt).
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install GNU gettext (Debian: apt-get install gettext)"; exit 1; }
	$(PY) manage.py compilemessages --ignore '.venv' -v0

demo: messages  ## Set up everything and run the portal with the Odoo sandbox, worker and scheduler.
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py run_demo

# Test processes side by side (pytest-xdist): `auto` is one per CPU core, a number fixes it, 0 runs every
# test in the make process's own pytest.
CT_TEST_WORKERS ?= auto
TEST_WORKERS_ARGS := $(if $(filter 0,$(CT_TEST_WORKERS)),,-n $(CT_TEST_WORKERS) --dist loadgroup)

test: messages  ## Run every test (SQLite and in-memory layer unless DATABASE_URL / REDIS_URL are set).
	$(PY) -m pytest $(TEST_WORKERS_ARGS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy apps controltower

check: lint typecheck test

bench: $(STAMP)  ## Benchmarks (set DATABASE_URL to run them on PostgreSQL; REDIS_URL for the fan-out).
	$(PY) bench/sync.py
	$(PY) bench/writeback.py
	$(PY) bench/dashboards.py
	$(PY) bench/fanout.py
	$(PY) bench/hint_rules.py
	$(PY) bench/store_app.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
	find locale -name '*.mo' -delete
