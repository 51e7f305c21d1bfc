# The two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: install browser run test test-fast lint typecheck check worker beat web clean messages backup-drill cluster-up cluster-down cluster-test load-test

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium; test tools never download a browser of their own.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq chromium; }

# Translation catalogues (docs/i18n.md). Extracts every marked string into locale/cy/LC_MESSAGES/django.po,
# then compiles django.mo; both are committed so running the site never needs GNU gettext.
# File-only locations keep diffs small when lines move; djangojs runs only once a script calls gettext().
MESSAGES_IGNORE := -i .venv -i static/vendor -i staticfiles -i test-artifacts -i bench -i node_modules
messages: install
	@command -v msgmerge >/dev/null || { echo "Installing GNU gettext for makemessages and compilemessages"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq gettext; }
	DEBUG=true $(BIN)/python manage.py makemessages -l cy --no-obsolete --add-location=file $(MESSAGES_IGNORE) -i static
	@if grep -rlsq --include='*.js' 'gettext(' static --exclude-dir=vendor; then \
	  DEBUG=true $(BIN)/python manage.py makemessages -d djangojs -l cy --no-obsolete --add-location=file $(MESSAGES_IGNORE); fi
	DEBUG=true $(BIN)/python manage.py compilemessages -l cy $(MESSAGES_IGNORE)
	@echo "Now translate every empty or fuzzy entry in locale/cy/LC_MESSAGES/*.po and run make messages again."

# Development server: SQLite, Celery eager, demo organisation seeded. Static files are collected
# and served as production serves them (hashed names, brotli/gzip, a year's cache: STATIC_COLLECTED
# in config/settings.py), so pages weigh here what they weigh in production; after editing a file
# in static/ (or code), run `make run` again. The server is one process that replaces the recipe's
# shell (exec, no autoreloader): Ctrl+C stops it, and so does a SIGTERM to make, which make passes
# on; with the autoreloader, stopping make left its child serving the port.
run: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true STATIC_COLLECTED=true $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec env DEBUG=true STATIC_COLLECTED=true $(BIN)/python manage.py runserver --noreload 127.0.0.1:$(PORT)

# The whole suite except the tests that need a real worker on Redis and PostgreSQL (.ci/run runs those).
test: install browser
	$(BIN)/python -m pytest -m "not worker" $(PYTEST_ARGS)

lint: install
	$(BIN)/python -m ruff check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# mypy with django-stubs over the modules listed in pyproject.toml [tool.mypy]. Its Django plugin
# loads the settings, so it runs as development does (DEBUG=true, nothing else needed).
typecheck: install
	DEBUG=true $(BIN)/python -m mypy

# Production processes (the same commands docker-compose.yml runs).
web worker beat: install
	bin/$@

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# Backup and restore drill (docs/operations.md): a scratch PostgreSQL cluster with WAL archiving, the
# demo data, a base backup, a point-in-time restore into a new cluster, every table compared.
backup-drill: install
	$(BIN)/python deploy/backup_drill.py

# Several hosts on this machine (docs/operations.md): network namespaces on a private bridge, HAProxy,
# two web hosts, two workers, one beat, PostgreSQL primary + streaming replica, PgBouncer, Redis. Root only.
cluster-up: install
	$(BIN)/python deploy/local_cluster.py up

cluster-down:
	$(BIN)/python deploy/local_cluster.py purge

# Fault tests on it: a web host killed during shift saves, Redis and PgBouncer restarted under load,
# the replica stopped, a worker host killed mid-sweep (about 10 minutes with the cluster's start).
cluster-test: install
	$(BIN)/python deploy/local_cluster.py purge
	$(BIN)/python deploy/local_cluster.py up
	$(BIN)/python deploy/cluster_test.py; rc=$$?; $(BIN)/python deploy/local_cluster.py purge; exit $$rc

# National shift-change load test (docs/operations.md, "National load test"): 230,000 invented people
# in 43 organisations seeded into the cluster, then locust at the issue's peak rate with both web hosts
# and with one (about 20 minutes with the seed). Locust lives in its own .venv-load, never in .venv.
load-test: install
	test -x .venv-load/bin/python || $(PY) -m venv .venv-load
	.venv-load/bin/python -m pip install --quiet -r requirements-load.txt
	$(BIN)/python deploy/local_cluster.py purge
	$(BIN)/python deploy/local_cluster.py up
	$(BIN)/python deploy/load_national.py $(LOAD_ARGS); rc=$$?; $(BIN)/python deploy/local_cluster.py purge; exit $$rc
