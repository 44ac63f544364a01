"""kptracker settings: one module, configured by environment variables.

With no variable set the quick start works: DEBUG on, an SQLite file in the project.
See .env.example for every variable and the README for a production setup.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off kptracker refuses to start without one: "
            "set SECRET_KEY to a long random string (see .env.example)."
        )
    # Development only: a fixed key is harmless while DEBUG is on and nothing is public.
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    # django.contrib.admin, on a site that answers impossible dates and ids as 4xx (kptracker/admin_site.py).
    "kptracker.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "csp",
    "axes",
    "simple_history",
    # The record, at the bottom: positions builds on meetings; neither imports anything above it.
    "meetings",
    "governance",
    "positions",
    # One app per audience above it: readers, researchers, editors, and readers' error reports.
    "pages",
    "exports",
    "feeds",
    "api",
    # django-ninja's docs page and its static files (Swagger UI, served here, not from a CDN).
    "ninja",
    "editing",
    "reports",
    # The benchmark's synthetic data (a command, no models).
    "synthetic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL in the path, the query string or a form field is a 400 (kptracker/inputs.py); before WhiteNoise.
    "kptracker.inputs.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records which editor made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers 429 to a locked-out admin login; keep it after AuthenticationMiddleware.
    "axes.middleware.AxesMiddleware",
    # Last, so that its process_exception runs first: a database outage is a 503, not a 500.
    "kptracker.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "kptracker.urls"

# Django's form renderer, with the widget templates of the filter forms formatted in Python
# (kptracker/formrender.py): the same HTML, without a template render per option.
FORM_RENDERER = "kptracker.formrender.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "kptracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down or unreachable fails fast (a 503 page) instead of holding a worker;
    # `?connect_timeout=N` in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is even checked.
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

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Security. Every value follows DEBUG, so production is safe by default and `make run` stays easy;
# `python manage.py check --deploy --fail-level WARNING` passes with the production settings in .env.example.

# HTTPS: redirect plain HTTP, and tell browsers to use HTTPS only (HSTS is sent on HTTPS responses only).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a proxy that terminates TLS, name the header it sets to say the request came over HTTPS
# (e.g. X-Forwarded-Proto), and make sure the proxy overwrites whatever the client sent in it.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_"),
        "https",
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Headers on every response (SecurityMiddleware and XFrameOptionsMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): only the site's own scripts, styles and images; no inline
# script or style, no plugins, no <base>, no framing, forms post only to the site. Chart data reaches
# the page through json_script, which is data (type="application/json"), not script: no exception needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Cookies: HTTPS-only in production, out of JavaScript's reach always (the admin's forms carry the
# CSRF token in a hidden field, so nothing needs to read the cookie). Django changes the session id at login.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# An editor's admin session lasts a working day, not Django's default two weeks.
SESSION_COOKIE_AGE = 8 * 60 * 60

# django-axes: AXES_FAILURE_LIMIT failed admin logins from one client address, or for one username
# from anywhere, lock that address or username for AXES_COOLOFF_MINUTES: the login answers 429.
# `python manage.py axes_reset` (or axes_reset_username NAME) lifts the locks early.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# Failures are counted in the database (axes' AccessAttempt), so a lock holds on every worker and server.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Behind reverse proxies, the client's address is in X-Forwarded-For: set TRUSTED_PROXY_COUNT to the
# number of proxies in front of gunicorn, or every client shares the proxy's address (and its lock).
# The address is normalised (kptracker.middleware.normalise_ip): one spelling per address; an entry that is
# not an address falls back to the connection's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "kptracker.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True

# Change history (django-simple-history). Off only while restoring a backup with loaddata, so that the
# restore is not itself recorded as changes: SIMPLE_HISTORY_ENABLED=false python manage.py loaddata backup.json
SIMPLE_HISTORY_ENABLED = env_bool("SIMPLE_HISTORY_ENABLED", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches: local memory by default; Redis when REDIS_URL is set (shared by every worker and server).
# "pages" holds rendered public pages, keyed by the data version (pages/cache.py, meetings/version.py).
# A Redis that is down or slow is an empty cache, not an error (kptracker/cache.py): pages are served
# uncached; the timeouts (seconds) bound what one request can wait for it.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "kptracker.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"kptracker-{alias}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
        for alias in ("default", "pages")
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kptracker-default"},
        # Bounded in bytes per worker too (kptracker/cache.py): a matrix page can be megabytes.
        "pages": {
            "BACKEND": "kptracker.cache.BoundedLocMemCache",
            "LOCATION": "kptracker-pages",
            "OPTIONS": {"MAX_ENTRIES": 2000, "MAX_BYTES": env_int("PAGE_CACHE_MAX_MB", 64) * 1024 * 1024},
        },
    }

# Editors' CSV import (editing/importing.py): the largest file the admin's import page takes, checked
# before the file is read; larger files go through `manage.py import_csv`, which reads any size in chunks.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
