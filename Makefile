# Newsroom: `make run` serves the demo site, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
# Build-time commands (catalogs, migration checks) need no secrets or .env: they use the test settings.
MANAGE_TOOLS := DJANGO_SETTINGS_MODULE=tests.settings $(MANAGE)

.PHONY: lint-imports run test coverage bench-renditions bench-search bench-comments bench-jobs bench-cache bench-consent bench-day bench-live bench-most-read bench-newsletters bench lint format messages catalogs check-catalogs migrations-check setup system-packages html-checker clean

# Reinstalls only when a requirements file changes, so a second `make run` starts at once.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create $(VENV): on Debian or Ubuntu, install python3-venv." >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Local settings for `make run`, made once: the site as readers get it (debug off: the Arabic 404 and 500 pages,
# hashed and compressed static files), on plain HTTP at localhost, staff signing in with a password alone, photos
# served by Django; a random secret key. `DJANGO_DEBUG=1 make run` switches debug on for a run (the environment wins
# over the file). Never deploy this file: production sets its own environment (README.md). The test suite does not
# read it. ENV_FILE names another file (tests/test_local_run.py makes one).
ENV_FILE ?= .env
$(ENV_FILE):
	@{ printf '# Local development only: never deploy this file (README.md, "Configuration").\n'; \
	printf '# Debug off, as readers see the site; DJANGO_DEBUG=1 make run shows Django'"'"'s debug pages.\n'; \
	printf 'DJANGO_DEBUG=0\nDJANGO_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	printf 'DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost\nDJANGO_HTTPS=0\nNEWSROOM_REQUIRE_SECOND_FACTOR=0\n'; \
	printf 'NEWSROOM_SERVE_MEDIA=1\n'; \
	if test -x $(BIN)/python; then printf 'NEWSROOM_VAPID_SUBJECT=mailto:newsroom@localhost\n'; \
		$(MANAGE_TOOLS) push_vapid_keys; fi; } > $@
	@echo "Wrote $@ for local use (debug off, plain HTTP on localhost, a random DJANGO_SECRET_KEY, Web Push keys)."

setup: $(VENV)/.installed

# The compiled catalogs are committed, so a machine without gettext still runs; with gettext they are rebuilt.
messages: setup
	@if command -v msgfmt >/dev/null; then $(MANAGE_TOOLS) compilemessages --ignore=.venv --verbosity=0; \
	else echo "gettext is not installed: using the committed .mo catalogs."; fi

# The settings read DJANGO_ENV_FILE (.env unless told): `make run ENV_FILE=other.env` serves with that file.
run: export DJANGO_ENV_FILE := $(abspath $(ENV_FILE))
run: messages $(ENV_FILE)
	$(MANAGE) migrate --noinput --verbosity=0
	@# Debug off: static files are served from staticfiles/, hashed and compressed (gzip and Brotli) by WhiteNoise.
	$(MANAGE) collectstatic --noinput --verbosity=0
	@# --force: this is a local machine (`make run`), whatever DJANGO_DEBUG says.
	$(MANAGE) load_demo --force
	$(MANAGE) load_demo_photos --force
	$(MANAGE) load_live_demo --force
	$(MANAGE) load_front_page_demo --force
	$(MANAGE) load_comments_demo --force
	$(MANAGE) load_planning_demo --force
	@echo "Serving Newsroom at http://127.0.0.1:$(PORT)/ (English at /en/), with a job worker. Stop with Ctrl+C."
	NEWSROOM_PORT=$(PORT) $(BIN)/honcho --procfile Procfile.dev start

# gettext and Debian's Chromium (for the browser tests), installed when missing.
system-packages:
	@.ci/system-packages

# The W3C's Nu HTML Checker for tests/test_html_validity.py, from npm, run on the machine's Java. The package's install
# script is not run: it downloads a Java runtime of its own. Without it the test is skipped, and fails under CI.
VNU_VERSION := 26.9.27
VNU_STAMP := .tools/vnu/.installed-$(VNU_VERSION)
html-checker: $(VNU_STAMP)
$(VNU_STAMP):
	@if ! command -v npm >/dev/null; then echo "npm is missing: cannot install vnu-jar for the HTML checks." >&2; \
	elif npm install --prefix .tools/vnu --save-exact --ignore-scripts --no-audit --no-fund --loglevel=error \
		vnu-jar@$(VNU_VERSION); then touch $@; \
	else echo "Could not install vnu-jar $(VNU_VERSION) in .tools/vnu/." >&2; fi

test: messages system-packages html-checker
	$(BIN)/pytest

# The suite with branch coverage (a report, not a gate).
coverage: messages system-packages html-checker
	$(BIN)/coverage run -m pytest -q
	$(BIN)/coverage report

# Benchmarks (bench/README.md): not part of the test suite.
bench-renditions: setup
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python bench/renditions.py

# Needs PostgreSQL (DATABASE_URL names the server; a scratch database is made and dropped).
bench-search: setup
	$(BIN)/python bench/search.py

# SQLite in a temporary file, or a scratch database on the PostgreSQL server DATABASE_URL names.
bench-comments: setup
	$(BIN)/python bench/comment_post.py

# Comment POST latency with the mail server answering, hanging, and mail sent in the request; one worker's jobs/s.
# SQLite in a temporary file, or a scratch database on the PostgreSQL server DATABASE_URL names.
bench-cache: setup
	$(BIN)/python bench/cache_backends.py

bench-jobs: setup
	$(BIN)/python bench/jobs.py

# Messages per second sending the digest to 10,000 subscribers through the job worker (bench/README.md).
bench-newsletters: setup
	$(BIN)/python bench/newsletters.py

# The served benchmark: gunicorn + wrk on a seeded newsroom (bench/README.md). ARTICLES=100000 for the large run;
# DATABASE_URL=postgres://… to run it on PostgreSQL (a scratch database is made there).
ARTICLES ?= 10000
bench: messages
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/served.py --articles $(ARTICLES)

# A newsroom's day compressed: Zipf readers while comments are approved, articles edited and published; targeted
# purges against the old purge-everything rule, and the cached article behind Varnish against nginx serving a file.
bench-day: messages system-packages
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/day.py --articles $(ARTICLES)

# Thousands of readers polling a live page while the desk posts: answers from the cache or 304, delivery delays.
bench-live: messages
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/live.py

bench-consent: setup
	$(BIN)/python bench/consent.py

# What counting reads costs a cached article page: counting on, off, with a new User-Agent each request, and the bare
# Django view, taking turns (bench/README.md, "Most read").
bench-most-read: messages
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/most_read.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The dependency contract of pyproject.toml (import-linter): layers that point down, a leaf Arabic module.
lint-imports: setup
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the catalogs after changing translatable text; then fill every new entry (all six Arabic plural forms).
catalogs: setup
	$(MANAGE_TOOLS) makemessages -l ar -l en --ignore=.venv --ignore=staticfiles --no-location --no-obsolete

check-catalogs:
	@for po in locale/*/LC_MESSAGES/*.po locale/libraries/*/LC_MESSAGES/*.po; do msgfmt --check --output-file=/dev/null $$po || exit 1; done
	@echo "Catalogs pass msgfmt --check."

migrations-check: setup
	$(MANAGE_TOOLS) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .tools
