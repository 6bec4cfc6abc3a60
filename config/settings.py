"""Rahmenwerk settings: one module, read from the environment.

Defaults are safe for production; ``make run`` sets ``DJANGO_DEBUG=true`` for the
zero-setup demo (SQLite, tasks run eagerly). See README.md for every variable.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-demo-only-never-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The address users reach the app at, for links in e-mails sent by workers.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "core",
    "outbox",
    "accounts",
    "agreements",
    "jobcenters",
    "accessions",
    "measures",
    "circulars",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "reports.middleware.DataVersionsOncePerRequest",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }

# Accounts and login
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "public-home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # the set-password link of a new user: three days

# Five failed logins for one username from one address lock it for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front that add the client's address to X-Forwarded-For (the
# docker-compose setup: 1). The lockout counts per user and client address, not per proxy.
PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"

SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Internationalisation: German first, English complete.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static files are served by WhiteNoise from STATIC_ROOT; uploads are private
# and never under a served path (see PRIVATE_MEDIA_ROOT).
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}

# E-mail: EMAIL_URL names the server (smtp+tls://user:password@host:587); without it
# mail goes to the local MTA, or to the console in the demo (DJANGO_DEBUG).
# DJANGO_EMAIL_BACKEND picks any backend by dotted path, e.g. the file backend the
# test suite gives its worker.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_email_backend = env.str("DJANGO_EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 30,
    }
elif _email_backend.endswith("filebased.EmailBackend"):
    _email_options = {"file_path": env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Rahmenwerk <noreply@rahmenwerk.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The state (Land) this installation serves, by its official code (NW, HE, ...): its
# agreements come first, and the accessibility statement names its bodies (see below).
DEPLOYMENT_STATE = env.str("DEPLOYMENT_STATE", default="NW")
# The accessibility statement: when it was made (last checked), and the bodies of the
# Land it must name: the monitoring body and the one to turn to when feedback goes
# unanswered. Their names come from the Land (DEPLOYMENT_STATE); each part can be set
# (ACCESSIBILITY_MONITORING_NAME, _ADDRESS, _URL; ACCESSIBILITY_COMPLAINTS_…). Without a
# known Land and without settings the statement names the federal Schlichtungsstelle BGG.
ACCESSIBILITY_STATEMENT_DATE = datetime.date.fromisoformat(
    env.str("ACCESSIBILITY_STATEMENT_DATE", default="2026-12-01")
)
_ACCESSIBILITY_BODIES = {
    "NW": {
        "monitoring": "Überwachungsstelle für barrierefreie Informationstechnik NRW",
        "complaints": "Ombudsstelle für barrierefreie Informationstechnik NRW",
    },
}
ACCESSIBILITY_BODIES = {
    kind: {
        "name": env.str(
            f"ACCESSIBILITY_{kind.upper()}_NAME",
            default=_ACCESSIBILITY_BODIES.get(DEPLOYMENT_STATE, {}).get(kind, ""),
        ),
        "address": env.str(f"ACCESSIBILITY_{kind.upper()}_ADDRESS", default=""),
        "url": env.str(f"ACCESSIBILITY_{kind.upper()}_URL", default=""),
    }
    for kind in ("monitoring", "complaints")
}
# Sign-language (DGS) videos the administrator uploads: at most this many bytes each.
SIGN_LANGUAGE_VIDEO_MAX_BYTES = env.int("SIGN_LANGUAGE_VIDEO_MAX_BYTES", default=200 * 1024 * 1024)
# Receives the feedback of the accessibility statement (§ 12b BGG).
OPERATOR_EMAIL = env.str("OPERATOR_EMAIL", default="barrierefreiheit@rahmenwerk.invalid")
# Accessibility feedback e-mailed to the operator per hour: from one sender, and in all.
# More is stored and shown in the admin, but not e-mailed.
FEEDBACK_LIMIT_PER_SENDER = env.int("FEEDBACK_LIMIT_PER_SENDER", default=5)
FEEDBACK_LIMIT = env.int("FEEDBACK_LIMIT", default=30)

# Celery: a real worker as soon as REDIS_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task's limits, unless it sets its own: at the soft one the task gets an exception
# to clean up after, at the hard one its child is killed. 0: no soft limit.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
# A PDF render may take this long (soft: the row is marked failed; hard: the child is
# killed). The biggest PDF the system makes, the status overview of 404 jobcenters (15
# pages), took 16 s and 280 MB on a busy 2-core machine; a circular with 300 uploaded
# pages of 100,000 objects (what the upload check lets through) took 3 s and 440 MB.
RENDER_SOFT_TIME_LIMIT = env.int("RENDER_SOFT_TIME_LIMIT", default=120)
RENDER_TIME_LIMIT = env.int("RENDER_TIME_LIMIT", default=150)
# A worker child is replaced after this many tasks, or after a task that left it holding
# more than this many KiB: one big render no longer keeps its memory for good (a worker
# child is about 180 MB after 50 ordinary renders).
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=50)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=600_000)
# What a worker child may take beyond what it holds when it starts (address space, MB;
# config/celery.py): more, and the allocation fails and the render with it. A fresh child
# holds 180 MB; an ordinary render adds up to 210 MB of address space (fonts, libraries,
# arenas), the biggest legitimate PDFs 440 MB of memory in use (see RENDER_TIME_LIMIT);
# the attack's attachment took 2.5 GB. 0: no cap.
WORKER_CHILD_MEMORY_MB = env.int("WORKER_CHILD_MEMORY_MB", default=1024)
# Seconds the worker's parent waits for a new child to start (Celery's default: 4) before
# it kills it and tries another: a child loads the PDF fonts first (config/celery.py),
# which takes a second on an idle machine and several on a busy one.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = env.float("CELERY_WORKER_PROC_ALIVE_TIMEOUT", default=60.0)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# PDFs and exports have queues of their own, so a burst of them never holds up e-mail
# (``celery``); a circular's PDF has its own again, with its own workers
# (docker-compose.yml), so that a burst of overviews or exports never holds it up.
CELERY_TASK_ROUTES = {
    "reports.tasks.render_circular": {"queue": "circulars"},
    "reports.tasks.render": {"queue": "reports"},
    "reports.tasks.build_export": {"queue": "reports"},
}
# An unacknowledged task (its worker died) goes back to the queue after this many seconds;
# longer than any task may run (CELERY_TASK_TIME_LIMIT), or a slow task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    # Kombu looks for tasks whose worker died every 10 s but scans Redis only every 10th
    # time: a dead worker's task came back up to 100 s after its visibility timeout. One
    # small sorted-set query every 10 s brings it back within 10 s.
    "unacked_restore_throttle": 1,
}
# What `celery beat` starts (one beat per installation, see docker-compose.yml).
CELERY_BEAT_SCHEDULE = {
    # Sends the e-mails whose dispatch failed (Redis was down) or whose worker died.
    "outbox-sweep": {"task": "outbox.tasks.sweep", "schedule": 60.0},
    # Dispatches the PDFs asked for while Redis was down, or lost with it.
    "renderings-sweep": {"task": "reports.tasks.sweep_renderings", "schedule": 60.0},
    # The same for the XLSX exports.
    "exports-sweep": {"task": "reports.tasks.sweep_exports", "schedule": 60.0},
    "prune-renderings": {
        "task": "reports.tasks.prune_renderings",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. HTTPS is assumed unless DJANGO_HTTPS=false (local demo and tests over http).
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Bootstrap draws form controls with data: SVGs.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    # The sign-language videos play from the site.
    "media-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports every layout step at INFO; its warnings still show.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
AXES_VERBOSE = False
