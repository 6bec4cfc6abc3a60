# Rahmenwerk: `make run` starts the demo, `make test` runs every test.
PYTHON ?= python3.12
VENV ?= .venv
MANAGE = $(VENV)/bin/python manage.py
MESSAGES_ARGS = --no-location --no-obsolete -v 0 \
	--ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=bench
UV_VERSION = 0.13.9
PORT ?= 8000
# Tests run in parallel, one xdist worker per core (see README, "Tests"); a worker that is
# done takes over half of what another still has queued (worksteal): neither waits long at the end.
PYTEST_ARGS ?= -n auto --dist worksteal
export UV_PYTHON_DOWNLOADS = never
export UV_PROJECT_ENVIRONMENT = $(VENV)

.PHONY: run test install lint format messages lock bench bench-load bench-report clean

## run: install, migrate, load the demo data and serve at http://127.0.0.1:$(PORT) (PORT=8000)
run: export DJANGO_DEBUG ?= true
run: export DJANGO_HTTPS ?= false
# Links in the demo's e-mails lead to where it is served, on any PORT.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	@mkdir -p var/static
	$(MANAGE) migrate --no-input
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) load_demo
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL ist gesetzt: ein Celery-Worker läuft mit, mit Beat (holt nach, was bei einem Redis-Ausfall liegen blieb)."; \
		$(VENV)/bin/celery -A config worker -B -s var/celerybeat-schedule -l info -Q celery,circulars,reports & \
		trap "kill $$! 2>/dev/null" EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT); \
	else \
		echo "Aufgaben laufen ohne Worker direkt im Webprozess (REDIS_URL nicht gesetzt)."; \
		$(MANAGE) runserver 127.0.0.1:$(PORT); \
	fi

## test: the whole suite (PostgreSQL, Redis and a real worker when DATABASE_URL and REDIS_URL are set)
# The test settings (tests/settings.py) and tests/conftest.py do the rest: plain `pytest` works too.
test: install node_modules/.package-lock.json
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# axe-core for the browser sweep; npm ci again whenever package(-lock).json changed.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm fehlt: bitte 'apt-get install npm' (axe-core für die Browser-Tests)."; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

install: $(VENV)/bin/uv
	$(VENV)/bin/uv sync --locked --inexact --quiet

$(VENV)/bin/uv:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) fehlt: Rahmenwerk braucht Python 3.12 oder neuer."; exit 1; }
	@command -v msgfmt >/dev/null || { echo "msgfmt fehlt: bitte 'apt-get install gettext'."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: collect new German source texts into the English catalogue
messages: install
	DJANGO_DEBUG=true $(MANAGE) makemessages -l en $(MESSAGES_ARGS)

lock:
	$(VENV)/bin/uv lock

bench: BENCH = DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench DJANGO_HTTPS=false \
	DJANGO_STATIC_MANIFEST=false $(VENV)/bin/python
bench: install
	$(BENCH) bench/jobcenter_list.py
	$(BENCH) bench/accessions.py
	$(BENCH) bench/measures.py
	$(BENCH) bench/renderings.py
	$(BENCH) bench/pdf_uploads.py

## bench-load: the busiest pages under load against gunicorn (PostgreSQL: DATABASE_URL, writes to it)
bench-load: install
	$(VENV)/bin/python bench/load.py

## bench-report: every benchmark in one run, for bench/README.md (DATABASE_URL, REDIS_URL; idle machine)
bench-report: install
	bench/report.sh $(or $(OUT),var/bench.md)

clean:
	rm -rf $(VENV) var
