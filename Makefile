# Two commands for a fresh clone: `make run` serves the demo site, `make test` runs the suite.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# The full stack's defaults: the local standard ports.
STACK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/jinjin_crm
STACK_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint format messages up down bench-data bench check-python install install-dev clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s); set PYTHON=..." % sys.version.split()[0])'

# Wheels only where there are any (no builds from source); no byte-compiling of every installed
# module up front (numpy, scipy and plotly are thousands of files: two thirds of the install's time),
# Python compiles what is imported on first use; no check for a newer pip.
PIP_INSTALL := $(PY) -m pip install --quiet --prefer-binary --no-compile --disable-pip-version-check

# The venv's own pip is upgraded only when it is older than 23 (recent Pythons ship 23 or newer).
$(BIN)/activate: | check-python
	$(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import pip, sys; sys.exit(int(pip.__version__.split(".")[0]) < 23)' \
		|| $(PIP_INSTALL) --upgrade pip

# Reinstall only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The embedded default: SQLite under var/, Celery tasks inline, DEBUG on. Static files are served
# compressed under hashed names, as in production (collectstatic takes a few seconds).
run: export DEBUG ?= true
run: export STATIC_COMPRESSED ?= true
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	@test -f var/.demo-seeded || ($(MANAGE) seed_demo && touch var/.demo-seeded)
	@$(MANAGE) demo_logins
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl+C stops)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The suite uses PostgreSQL and Redis at DATABASE_URL/REDIS_URL (defaults: local standard ports);
# without them it runs on SQLite and skips what needs them, unless REQUIRE_SERVICES=1.
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext; the compiled catalogues are committed so that nobody else does.
messages: install-dev
	DEBUG=true $(MANAGE) makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	DEBUG=true $(MANAGE) compilemessages --locale zh_Hans --ignore '.venv/*'

# The full stack on this machine: PostgreSQL and Redis must be running. Production settings need
# SECRET_KEY and FIELD_ENCRYPTION_KEY in the environment (or .env); DEBUG is on here unless set.
up: export DATABASE_URL ?= $(STACK_DATABASE_URL)
up: export REDIS_URL ?= $(STACK_REDIS_URL)
up: export DEBUG ?= true
up: export STATIC_COMPRESSED ?= true
up: install
	@mkdir -p var/log var/run
	@psql "$(DATABASE_URL:%/jinjin_crm=%/postgres)" -tAc "SELECT 1 FROM pg_database WHERE datname = 'jinjin_crm'" | grep -q 1 \
		|| psql "$(DATABASE_URL:%/jinjin_crm=%/postgres)" -c "CREATE DATABASE jinjin_crm"
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) seed_demo
	$(BIN)/celery -A jinjin_crm worker --loglevel INFO --detach --pidfile var/run/worker.pid --logfile var/log/worker.log
	$(BIN)/celery -A jinjin_crm beat --loglevel INFO --detach --pidfile var/run/beat.pid --logfile var/log/beat.log \
		--schedule var/run/celerybeat-schedule
	$(BIN)/gunicorn jinjin_crm.wsgi --bind 127.0.0.1:$(PORT) --workers 3 --timeout 120 --daemon \
		--pid var/run/gunicorn.pid --access-logfile var/log/access.log --error-logfile var/log/gunicorn.log
	@$(MANAGE) demo_logins
	@echo "Full stack on http://127.0.0.1:$(PORT)/ (PostgreSQL, Redis, gunicorn, Celery worker and beat); 'make down' stops it."

down:
	@for name in gunicorn worker beat; do \
		if [ -f var/run/$$name.pid ]; then kill $$(cat var/run/$$name.pid) 2>/dev/null && echo "stopped $$name"; rm -f var/run/$$name.pid; fi; \
	done

# The benchmark of DESIGN §6 on its own database (see bench/README.md); figures in docs/performance.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/jinjin_bench
bench-data: install
	@psql "$(BENCH_DATABASE_URL:%/jinjin_bench=%/postgres)" -tAc "SELECT 1 FROM pg_database WHERE datname = 'jinjin_bench'" | grep -q 1 \
		|| psql "$(BENCH_DATABASE_URL:%/jinjin_bench=%/postgres)" -c "CREATE DATABASE jinjin_bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=true $(MANAGE) migrate --noinput
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=true $(PY) bench/generate.py $(BENCH_ARGS)

bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=true $(PY) bench/search.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
