"""Settings for the test suite: the real settings, pointed at the local services when they answer.

PostgreSQL and Redis are used when reachable at ``DATABASE_URL``/``REDIS_URL`` (defaults: the
standard local ports). When one is not, the suite runs on SQLite and inline tasks, and tests marked
``postgres``/``redis`` are skipped with the reason, or fail under ``REQUIRE_SERVICES=1``.
"""

import os
import socket
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/jinjin_crm"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


_database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
_redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
SERVICES = {
    "postgres": _database_url.startswith("postgres") and _answers(_database_url, 5432),
    "redis": _answers(_redis_url, 6379),
}
if SERVICES["postgres"]:
    os.environ["DATABASE_URL"] = _database_url
else:
    os.environ.pop("DATABASE_URL", None)
if SERVICES["redis"]:
    os.environ["REDIS_URL"] = _redis_url
else:
    os.environ.pop("REDIS_URL", None)

os.environ["DEBUG"] = "false"
# The demo seed's talent count: a few thousand for people, a hundred for the suite's seed tests.
os.environ.setdefault("DEMO_TALENTS", "100")
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-django-checks-0123456789")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA=")

from jinjin_crm.settings import *  # noqa: E402, F403
from jinjin_crm.settings import STORAGES  # noqa: E402

if not SERVICES["postgres"]:
    DATABASES["default"].update(ENGINE="django.db.backends.sqlite3", NAME=":memory:")  # noqa: F405

# A second, SQLite database for the few tests that check behaviour on the embedded default
# (the talent search has a PostgreSQL index path and a portable path).
DATABASES["sqlite"] = {  # noqa: F405
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": ":memory:",
    "TEST": {"NAME": ":memory:"},
}

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Tasks run inline unless a test starts a real worker; the broker is still the real Redis.
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
