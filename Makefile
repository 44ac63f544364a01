# kptracker: `make run` serves the dashboard, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format browser install install-dev clean vendor

# Each step says what it is doing ("== ..."), so a first run's quiet minute of pip is not a hang.
$(VENV)/bin/activate:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "kptracker needs Python 3.11 or newer with venv: '$(PYTHON)' is $$($(PYTHON) --version 2>&1 | head -n 1)." >&2; \
	  echo "Install it (Debian: sudo apt-get install python3 python3-venv) or name one: make run PYTHON=python3.12" >&2; \
	  exit 1; }
	@echo "== creating the virtualenv in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	@echo "== installing requirements (about 30 s the first time)"
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	@echo "== installing requirements and the test tools (about a minute the first time)"
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the curated dataset into an empty database, serve on http://$(HOST):$(PORT)
## (HOST, PORT and DATABASE_URL from the command line or the environment: make run PORT=8014)
run: install
	@echo "== migrating the database ($(if $(DATABASE_URL),DATABASE_URL,SQLite db.sqlite3))"
	$(PY) manage.py migrate --noinput
	@echo "== loading the curated dataset (only into an empty database)"
	$(PY) manage.py load_curated --if-empty
	@echo "== serving on http://$(HOST):$(PORT) (Ctrl-C stops)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## browser: Debian's Chromium for the browser tests (Playwright cannot download its own here)
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

## test: install what the tests need and run the whole suite (DATABASE_URL picks the database), on every CPU
## (pytest-xdist: each worker its own test database; TEST_WORKERS=0 runs it in one process)
TEST_WORKERS ?= auto
test: install-dev browser
	$(PY) -m pytest -n $(TEST_WORKERS)

## test-fast: the suite without the browser tests
test-fast: install-dev
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not browser"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

## vendor: refresh static/vendor/ from the npm registry (the copies are committed; CI does not need npm)
vendor:
	npm install --no-save --silent
	mkdir -p static/vendor/chart.js
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.js/
	sed -i 's|//# sourceMappingURL=.*||' static/vendor/chart.js/chart.umd.min.js
	cp node_modules/chart.js/LICENSE.md static/vendor/chart.js/
	mkdir -p static/vendor/world-atlas
	cp node_modules/world-atlas/LICENSE static/vendor/world-atlas/
	# The map's shapes, projected once with d3-geo (countries.svg and its index countries.json).
	node scripts/build_atlas.js

.PHONY: bench bench-quick bench-large

## bench: the benchmark of issue 6 on PostgreSQL at scale 1 and 10 (DATABASE_URL, default
## postgres://postgres@127.0.0.1:5432/kptracker_bench: dropped and recreated, its name must contain "bench");
## a report, then one JSON line, also written to bench/results/latest.json. About 7 minutes.
bench: install
	$(PY) bench/run.py

## bench-quick: the same at scales 0.02 and 0.2 in under 2 minutes (CI); fails only when something is broken
bench-quick: install
	$(PY) bench/run.py --quick

## bench-large: the same at scales 10 and 100 (1M and 10M positions), written to bench/results/large.json;
## about 70 minutes and 10 GB of disk, not in CI (issue 17: how each page's cost grows from 100k to 10M)
bench-large: install
	$(PY) bench/run.py --large

.PHONY: serve loadtest outage-test scaleout-test

## serve: the production setup locally (DEBUG off, collectstatic, WhiteNoise, gunicorn) on http://$(HOST):$(PORT)
serve: install
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

## loadtest: gunicorn over PostgreSQL (database kptracker_load, curated data), wrk for 60 s at 32 clients; zero errors
loadtest: install
	scripts/loadtest.sh

## outage-test: PostgreSQL stopped for a few seconds under load: friendly 503s, recovery without a restart, no loss
outage-test: install
	scripts/outage_test.sh

## scaleout-test: two gunicorn servers over one PostgreSQL (database kptracker_scaleout) sharing one Redis (Debian's
## redis-server): an edit through one served at once by the other, one page cache, shared rate limits, more
## requests/s than one server, and Redis stopped under load serving uncached 200s, never errors. One to two minutes.
scaleout-test: install
	scripts/scaleout_test.sh

.PHONY: quality

## quality: page quality on every page of the app served with DEBUG off (scripts/quality/run.py): axe-core,
## the Nu Html Checker, keyboard, reduced motion, colour, print, and Lighthouse (at least 95 on every public
## page; scores to docs/quality/lighthouse.json). Fails on any violation. Needs Java and Node.
quality: install-dev browser node_modules/.installed
	$(PY) scripts/quality/run.py

# The checkers from package-lock.json (axe-core, vnu-jar, lighthouse), reinstalled when the lock file changes;
# no install scripts (vnu-jar's would fetch a Java runtime when none is on the PATH).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@
