# syntax=docker/dockerfile:1
#
# One image for the web process (gunicorn), the Celery worker and Celery beat.
# The command picks the role; see docker-compose.yml.
#
#   docker build -t rahmenwerk:latest .
#
# Configuration comes from the environment at run time (config/settings.py);
# nothing secret is baked into the image.

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- base: runtime system libraries and the unprivileged user ---------------
FROM ${PYTHON_IMAGE} AS base

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LANG=C.UTF-8 \
    PATH=/app/.venv/bin:$PATH

# WeasyPrint needs Pango (with its FreeType backend) and HarfBuzz's subsetter;
# the fonts give PDFs a predictable look. Versions come with the Debian
# release of the base image (security updates included), so they are not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# --- build: dependencies, translations, static files -------------------------
FROM base AS build

# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir --disable-pip-version-check uv==0.13.9

ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml uv.lock .python-version ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project

COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev

# The secret key here is a throwaway that exists only for these two commands;
# settings refuse to start without one when DEBUG is off. locale/ holds the
# catalogues (*.po); the compiled *.mo files are made here, not committed.
RUN mkdir -p locale \
    && DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_DEBUG=false \
        python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
    && DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_DEBUG=false \
        python manage.py collectstatic --no-input -v 0

# --- runtime -----------------------------------------------------------------
FROM base AS runtime

# Code, virtualenv and collected static files (var/static, served by
# WhiteNoise) stay owned by root and read-only for the app user.
COPY --from=build /app /app

# Private uploads: outside STATIC_ROOT, never served directly.
# hadolint ignore=DL3064
ENV DJANGO_PRIVATE_MEDIA_ROOT=/app/var/private
RUN mkdir -p /app/var/private \
    && chown app:app /app/var/private \
    && chmod 0750 /app/var/private
VOLUME ["/app/var/private"]

USER 10001:10001

EXPOSE 8000

# WEB_CONCURRENCY sets gunicorn's worker count (about 2 x cores + 1);
# GUNICORN_CMD_ARGS adds further options, e.g. "--access-logfile -".
ENV WEB_CONCURRENCY=3

CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--max-requests", "1000", \
     "--max-requests-jitter", "100"]
