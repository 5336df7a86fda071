"""Settings, read from the environment.

With no environment at all (and DEBUG on) the site runs on a SQLite file under ``var/`` with Celery
tasks run inline, so a bare machine can serve it. Production sets ``DATABASE_URL``, ``REDIS_URL``,
``SECRET_KEY``, ``FIELD_ENCRYPTION_KEY`` and ``ALLOWED_HOSTS``; see README.md.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


def _required_secret(name: str, development_default: str) -> str:
    """A secret that has a development default only while DEBUG is on.

    Without DEBUG a missing secret stops start-up with one line naming the variable, rather than a
    traceback or, worse, a silently shared default.
    """
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return development_default
    sys.exit(
        f"{name} is not set: set the {name} environment variable (it has a default only when DEBUG=true)."
    )


SECRET_KEY = _required_secret(
    "SECRET_KEY", "django-insecure-development-only-key-do-not-use-in-production-0123456789"
)
# Fernet keys, comma-separated; the first encrypts, all decrypt (so keys can be rotated).
FIELD_ENCRYPTION_KEY = _required_secret(
    "FIELD_ENCRYPTION_KEY", "ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMDAwMDA="
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "jinjin_crm.core.views.csrf_failure"

# --- Applications -------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bootstrap",
    "simple_history",
    "axes",
    "jinjin_crm.core",
    "projects",
    "talents",
    "campaigns",
    "policies",
    "jinjin_crm.matching",
    "jinjin_crm.dashboard",
    "jinjin_crm.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jinjin_crm.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts raised by the backend into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jinjin_crm.urls"
WSGI_APPLICATION = "jinjin_crm.wsgi.application"
ASGI_APPLICATION = "jinjin_crm.asgi.application"

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
                "django.template.context_processors.i18n",
                "jinjin_crm.core.context_processors.navigation",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A persistent connection is checked before reuse, so a PostgreSQL restart costs one reconnect,
# not a burst of errors.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Pages run short queries. PostgreSQL's JIT compiles any plan it estimates as costly and spent
    # more compiling than it saved on the list pages (docs/performance.md), so it is off.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

REDIS_URL = env.str("REDIS_URL", default="")

# Redis is not on the write path (issue 13): every client of it gives up within about a second, so
# with Redis stopped a request waits that long at most instead of hanging or retrying for 20 s.
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_SOCKET_TIMEOUT = 1.0

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ---------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Internationalisation -----------------------------------------------------------------------

# Where people who keep no records of their own (leaders) land: the leadership dashboard.
READER_HOME = "dashboard:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Plotly's JavaScript comes from the installed plotly package (no CDN on the intranet), served as
# static/plotly/plotly.min.js by a finder that offers that one file.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "jinjin_crm.core.staticfinders.PlotlyFinder",
]
# WhiteNoise serves STATIC_ROOT and warns when it is missing (before the first collectstatic).
STATIC_ROOT.mkdir(exist_ok=True)
# Compressed (gzip) copies under content-hashed names, served with far-future caching;
# needs `collectstatic` (make run and make up run it). Off by default only for development with
# DEBUG, where files are served as they are edited.
STATIC_COMPRESSED = env.bool("STATIC_COMPRESSED", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "jinjin_crm.core.staticfinders.CompressedHashedStorage"
        if STATIC_COMPRESSED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve the collected, compressed files rather than the sources whenever they exist.
WHITENOISE_USE_FINDERS = not STATIC_COMPRESSED
WHITENOISE_AUTOREFRESH = DEBUG and not STATIC_COMPRESSED
# Only the hashed names are kept: a page always asks for those, and the copy is half the size.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# --- Security (production values pass `manage.py check --deploy`) --------------------------------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"

# --- REST API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: its authenticate_header() makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jinjin_crm.api.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["jinjin_crm.api.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "jinjin_crm.core.viewsets.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["jinjin_crm.api.throttling.PrincipalRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"principal": env.str("API_THROTTLE_RATE", default="1200/min")},
    "EXCEPTION_HANDLER": "jinjin_crm.api.exception_handlers.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Jiangjin talent-and-investment CRM API",
    "DESCRIPTION": "Park systems and officers: `Authorization: Token <key>` or a browser session.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Celery -------------------------------------------------------------------------------------

# Without Redis (the embedded default) tasks run inline, in the caller's process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, a task unacknowledged for longer than this is redelivered; keep it above the
# hard time limit so a long task is never run twice while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
# Queuing from a request (on commit) tries twice, a fifth of a second apart, then gives up and the
# request logs it; the defaults (a 4 s connection timeout, and the result backend's 20 retries a
# second apart when it subscribes to the new task's result) held a write for about 20 s.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.heartbeat", "schedule": 60.0},
    "api-idempotency-prune": {"task": "api.idempotency_prune", "schedule": 3600.0},
    # Nightly: expire demands past their date, then publish the catalogue if it changed. Both are
    # safe when beat fires twice (an advisory lock and the catalogue's fingerprint).
    "demands-expire": {"task": "matching.demands_expire", "schedule": crontab(hour=1, minute=0)},
    "catalogue-refresh": {"task": "matching.catalogue_refresh", "schedule": crontab(hour=1, minute=30)},
    # Nightly full recompute: makes the incremental recomputes of the day exact again.
    "matching-nightly": {"task": "matching.recompute_nightly", "schedule": crontab(hour=2, minute=0)},
    # The weekly report leaders print on Friday afternoon (CELERY_TIMEZONE is the district's).
    "dashboard-weekly-report": {
        "task": "dashboard.weekly_report",
        "schedule": crontab(day_of_week="fri", hour=16, minute=0),
    },
}

# --- Catalogue and matching ----------------------------------------------------------------------

# Seconds between the first demand edit of a burst and the one catalogue compile that follows it.
CATALOGUE_REFRESH_DELAY = env.int("CATALOGUE_REFRESH_DELAY", default=30)

# Matching: the points each part of a score can earn (they add up to 100; each is explained in
# jinjin_crm/matching/engine.py), how many matches are kept, and how the work is cut up.
MATCHING = {
    "WEIGHTS": {
        "degree": 20,
        "discipline_exact": 30,
        "discipline_category": 15,
        "tier": 10,
        "keywords": 20,
        "location": 5,
        "mode": 5,
        "recency": 10,
    },
    "TOP_PER_DEMAND": env.int("MATCHING_TOP_PER_DEMAND", default=50),
    "TOP_PER_TALENT": env.int("MATCHING_TOP_PER_TALENT", default=20),
    "LOCAL_PLACES": ("重庆", "江津"),
    "RECENT_DAYS": 90,
    # About the open demands divided by the worker processes: more chunks than workers add overhead.
    "CHUNK_DEMANDS": env.int("MATCHING_CHUNK_DEMANDS", default=12_500),
    "BLOCK_CELLS": 4_000_000,
}

# --- Logging ------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Inline tasks (no Redis) would log a line per task into the development server's output.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
    },
}
