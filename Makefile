# Two commands for a fresh clone: `make run` and `make test`. Everything else is for the team.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format migrations-check clean serve check-deploy test-postgres test-redis audit lock lock-check

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

# A random password for the demo staff accounts, made once per checkout and kept in var/.
var/demo_password: | $(BIN)/python
	@mkdir -p var
	@$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))" > $@
	@chmod 600 $@

run: $(VENV)/.runtime var/demo_password
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --staff-password="$$(cat var/demo_password)"
	@echo "Demo staff password (for the accounts above): $$(cat var/demo_password)"
	@echo "Their authenticator apps (the second step after the password; add a URI to an app, or type"
	@echo "the code 'manage.py demo_otp USERNAME' prints):"
	@DJANGO_DEBUG=true $(BIN)/python manage.py mfa_totp --if-missing owner editor moderator handler
	DJANGO_DEBUG=true SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# On SQLite in two passes: everything but the browser tests, then the browser tests
# (tests/browser/, marker "browser"; the single pages, marker "pages", then the journeys). A selection with nothing left for
# one of them (PYTEST_ARGS=tests/browser) is not a failure.
FIRST_SELECTION = $(if $(FIRST_MARKERS),($(FIRST_MARKERS)) and not browser,not browser)
# Each database pass runs as two pytest runs, so that each stays under CI's five minutes on a
# machine half as fast as the one the suite grew on (the PostgreSQL pass took 6 min there): the
# operations tests first (marker "operations", tests/conftest.py: the mail workers, backups and
# restores, migrations, the demo and bench seeds), then the rest of the site.
operations = $(if $(1),($(1)) and operations,operations)
not_operations = $(if $(1),($(1)) and not operations,not operations)

test: $(VENV)/.dev
	$(BIN)/python -m pytest -m "$(call operations,$(FIRST_SELECTION))" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/python -m pytest -m "$(call not_operations,$(FIRST_SELECTION))" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/python -m pytest -m "browser and pages" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/python -m pytest -m "browser and not pages" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	@# The same suite on PostgreSQL when it is there; CI (CI=true) insists on it.
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_ADMIN_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_ADMIN_URL): CI needs it"; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(PG_ADMIN_URL): the suite ran on SQLite only."; \
	fi

# django-upgrade's arguments, also in .pre-commit-config.yaml.
DJANGO_UPGRADE = $(BIN)/django-upgrade --target-version 5.2
# Tracked and new Python files, never what .gitignore leaves out (.venv/ among them).
PY_FILES = git ls-files -z --cached --others --exclude-standard -- '*.py'

# The checks of .pre-commit-config.yaml but makemigrations (that is `make migrations-check`), changing
# nothing; `make format` applies the fixes.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY_FILES) | xargs -0r $(DJANGO_UPGRADE) --check
	$(BIN)/djlint templates --lint

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(PY_FILES) | xargs -0r $(DJANGO_UPGRADE) --exit-zero-even-if-changed

# The Spanish catalogue (README, Translations): extract every marked string into
# locale/es/LC_MESSAGES/django.po (translations kept, new strings left empty for a translator), then
# compile django.mo. Commit both; .ci/translations.sh fails CI on an empty, fuzzy or stale entry.
MAKEMESSAGES_IGNORE = --ignore=.venv --ignore=tests --ignore=var --ignore=deploy
.PHONY: messages messages-extract translations-check
messages-extract: $(VENV)/.dev
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l es --no-obsolete --add-location=file -v0 \
		$(MAKEMESSAGES_IGNORE)

messages: messages-extract
	DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages -l es --ignore=.venv

translations-check: $(VENV)/.dev
	BIN=$(BIN) bash .ci/translations.sh

migrations-check: $(VENV)/.dev
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# The lock files: exact pins compiled by pip-tools from the ranges in requirements.in (runtime) and
# requirements-dev.in (which takes the runtime pins as constraints, so both files agree). A pin the
# ranges still allow is kept; `make lock LOCK_ARGS=--upgrade` moves every pin to the newest allowed
# release, `LOCK_ARGS="--upgrade-package Django"` only that one. No index or local path is written.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links

lock: $(VENV)/.dev
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file requirements-dev.txt requirements-dev.in

# Fails when a lock file is not what `make lock` makes of the .in files (an edited range not
# compiled, or a pin edited by hand). Compiles into copies, so nothing in the tree changes.
lock-check: $(VENV)/.dev
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp requirements.txt requirements-dev.txt "$$tmp/" && \
	$(PIP_COMPILE) --output-file "$$tmp/requirements.txt" requirements.in && \
	diff -u requirements.txt "$$tmp/requirements.txt" && \
	$(PIP_COMPILE) --output-file "$$tmp/requirements-dev.txt" requirements-dev.in && \
	diff -u requirements-dev.txt "$$tmp/requirements-dev.txt" || \
	{ echo "The lock files differ from what the .in files compile to (or pip-compile failed above):" \
		"run 'make lock' and commit the result."; exit 1; }

clean:
	rm -rf $(VENV) var/static .pytest_cache

# Background work: the task engine's worker (django-tasks-db, run by outbox's task_worker), which
# delivers the mail queue one email per task, retries with backoff, takes back what dead workers held
# and waits out database outages. It needs only the database; any number may run, on any machine. In
# production run it as a service with the same environment as the web process (README, Mail queue).
.PHONY: worker
worker: $(VENV)/.runtime
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py task_worker

# The database and the uploaded media in one archive, mode 600, in var/backups/ (DJANGO_BACKUP_DIR);
# and back (README.md, Production, backups). With this checkout's settings unless DJANGO_DEBUG and
# the rest are set, as for `make worker`. `make restore FILE=... YES=1` does not ask.
.PHONY: backup restore
backup: $(VENV)/.runtime
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py backup

restore: $(VENV)/.runtime
	@test -n "$(FILE)" || { echo "Name the archive: make restore FILE=var/backups/clinic-....tar.gz"; exit 2; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py restore "$(FILE)" $(if $(YES),--yes)

# --- Production (README.md, Production) ------------------------------------------------------
# PostgreSQL for the second pass of the suite; pytest-django creates and drops test_clinic.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/clinic
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
TEST_CACHE_URL ?= redis://127.0.0.1:6379/1

# The passes after SQLite's leave out the browser tests (tests/browser/, marker "browser"): they
# check what a browser sees, which no database or cache changes, and `make test` has run them on
# SQLite. The views under them are tested in every pass. Nor the tests of the settings (marker
# "fresh_interpreter"): each starts an interpreter with an environment of its own, the same
# whatever the pass runs on. `REPEAT_MARKERS=` runs them all again.
# A selection with nothing left in it (PYTEST_ARGS=tests/browser) is not a failure here.
REPEAT_MARKERS ?= not browser and not fresh_interpreter
REPEAT_PYTEST = $(BIN)/python -m pytest -m "$(call operations,$(REPEAT_MARKERS))" $(PYTEST_ARGS) || [ $$? -eq 5 ]
REPEAT_PYTEST_REST = $(BIN)/python -m pytest -m "$(call not_operations,$(REPEAT_MARKERS))" $(PYTEST_ARGS) || [ $$? -eq 5 ]
# The tests marked "processes" (tests/outbox: mail workers started as processes or threads, killed
# with kill -9, a throwaway PostgreSQL cluster stopped under them, a fake SMTP server counting) run
# once, in the PostgreSQL pass: other processes cannot open SQLite's in-memory test database, and a
# cache changes nothing they check. They take about 40 s. `FIRST_MARKERS=` runs them on SQLite too
# (where they say they need PostgreSQL and skip).
FIRST_MARKERS ?= not processes

test-postgres: $(VENV)/.dev
	DATABASE_URL=$(TEST_DATABASE_URL) $(REPEAT_PYTEST)
	DATABASE_URL=$(TEST_DATABASE_URL) $(REPEAT_PYTEST_REST)

# The cache-backed parts (sessions, rate limits, the cache itself) on a real Redis.
REDIS_SELECTION = $(if $(REPEAT_MARKERS),($(REPEAT_MARKERS)) and not processes,not processes)
test-redis: $(VENV)/.dev
	@# A clean database number, so no counter or session from an earlier run leaks into this one.
	$(BIN)/python -c "import redis; redis.Redis.from_url('$(TEST_CACHE_URL)').flushdb()"
	CACHE_URL=$(TEST_CACHE_URL) $(BIN)/python -m pytest \
		-m "$(call operations,$(REDIS_SELECTION))" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	CACHE_URL=$(TEST_CACHE_URL) $(BIN)/python -m pytest \
		-m "$(call not_operations,$(REDIS_SELECTION))" $(PYTEST_ARGS) || [ $$? -eq 5 ]

# A secret for the local production-like run, generated once into var/ (git ignores it). The
# DEBUG runs read the same file.
var/secret_key:
	@mkdir -p var
	@python3 -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

# The production configuration on this machine: DEBUG off, gunicorn, WhiteNoise. DATABASE_URL,
# CACHE_URL and EMAIL_URL are used when set; the hosts default to this machine only.
# DJANGO_LOCAL_PREVIEW lets it print mail to the console and keep SITE_URL on http://127.0.0.1 (at
# the port it serves on, so links in mail and pages lead back to it).
PROD_ENV = DJANGO_DEBUG=false DJANGO_LOCAL_PREVIEW="$${DJANGO_LOCAL_PREVIEW:-true}" \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SERVE_MEDIA="$${DJANGO_SERVE_MEDIA:-true}" \
	INQUIRIES_FALLBACK_USERNAME="$${INQUIRIES_FALLBACK_USERNAME:-owner}"
WEB_CONCURRENCY ?= 2
WEB_THREADS ?= 4

# Several workers share the machine's file cache (CACHE_URL unset) or Redis; a local-memory cache
# (CACHE_URL=locmemcache://...) is one per process, so then one worker serves, with threads.
# gunicorn.conf.py runs the system checks and prints which cache the workers share.
serve: $(VENV)/.runtime var/secret_key
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@case "$${CACHE_URL:-}" in \
		locmemcache:*) workers="--workers 1 --threads $(WEB_THREADS)"; \
			echo "CACHE_URL is a local-memory cache: one worker with $(WEB_THREADS) threads serves.";; \
		*) workers="--workers $(WEB_CONCURRENCY)";; \
	esac; \
	$(PROD_ENV) exec $(BIN)/gunicorn clinic_site.wsgi:application \
		--bind 127.0.0.1:$(PORT) $$workers \
		--forwarded-allow-ips 127.0.0.1

check-deploy: $(VENV)/.runtime var/secret_key
	$(PROD_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned releases of both lock files (asks the PyPI advisory service).
# --strict: a package the service cannot answer for fails the audit instead of passing unseen.
audit: $(VENV)/.dev
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.txt -r requirements-dev.txt

# Two app servers behind nginx sharing PostgreSQL, Redis and an S3 server, and the fault tests
# (.ci/two_nodes.sh; README, Running on several machines). Ports and names: the script's header.
.PHONY: two-nodes
two-nodes: $(VENV)/.dev
	bash .ci/two_nodes.sh

# Lighthouse's accessibility, best-practices and SEO scores of eight public pages as a phone and a
# desktop, under make serve with the demo content (.ci/lighthouse.sh; README.md, Lighthouse).
.PHONY: lighthouse
lighthouse: $(VENV)/.runtime
	bash .ci/lighthouse.sh

# Bootstrap trimmed by PurgeCSS (npm, pinned) to the classes our templates, our code and the
# crispy-forms templates use: static/vendor/bootstrap/bootstrap.used.css, committed, linked by
# base.html. Run it after using a Bootstrap class the site did not use before; css-check (CI) fails
# when the committed file is not current (.ci/css.sh; README.md, Performance).
.PHONY: css css-check
css: $(VENV)/.runtime
	BIN=$(BIN) bash .ci/css.sh

css-check: $(VENV)/.runtime
	BIN=$(BIN) bash .ci/css.sh --check

# Pages against nginx serving the same HTML: the article page, or with BENCH_PAGES=public every public page,
# a returning reader, a search and the admin lists; BENCH_SIZE=small|medium|large seeds in bulk
# (tests/bench/run_bench.py; settings in its docstring; README, Performance).
.PHONY: bench
bench: $(VENV)/.dev
	$(BIN)/python tests/bench/run_bench.py
