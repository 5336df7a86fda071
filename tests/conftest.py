import os

import pytest
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false")


def pytest_report_header(config):
    services = ", ".join(f"{name}: {'yes' if up else 'NO'}" for name, up in settings.SERVICES.items())
    return f"services reachable: {services}; REQUIRE_SERVICES={'1' if REQUIRE_SERVICES else '0'}"


def pytest_runtest_setup(item):
    for service in ("postgres", "redis"):
        if item.get_closest_marker(service) and not settings.SERVICES[service]:
            variable = "DATABASE_URL" if service == "postgres" else "REDIS_URL"
            reason = f"needs {service}, which is not reachable (set {variable})"
            if REQUIRE_SERVICES:
                pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}")
            pytest.skip(reason)


def restore_shipped_data():
    """Put back what a transactional test's flush removed: roles, permissions and reference data.

    Django empties every table after a ``transaction=True`` test; the reference data and roles come
    from data migrations, which do not run again. Cheap when nothing is missing.
    """
    import importlib

    from django.apps import apps
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection

    from jinjin_crm.core.models import Park

    if Park.objects.exists():
        return
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    for module in ("0002_roles", "0003_reference_data", "0009_reference_english_names_data"):
        migration = importlib.import_module(f"jinjin_crm.core.migrations.{module}")
        for operation in migration.Migration.operations:
            with connection.schema_editor() as editor:
                operation.code(apps, editor)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """With --reuse-db the suite may start on a database a transactional test emptied last time."""
    with django_db_blocker.unblock():
        restore_shipped_data()


@pytest.fixture
def shipped_data(transactional_db):
    """For ``transaction=True`` tests: the shipped reference data, whatever ran before."""
    restore_shipped_data()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (throttle counters, heartbeats)."""
    from django.core.cache import cache

    cache.clear()
    return


@pytest.fixture
def officer(db):
    from tests.factories import officer, park

    return officer(parks=[park("SF")])


@pytest.fixture
def leader(db):
    from tests.factories import leader

    return leader()


@pytest.fixture
def api():
    """A DRF test client."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def park_client(db):
    """An API client of the Shuangfu park system and its key."""
    from jinjin_crm.api.services import api_client_create
    from tests.factories import park

    return api_client_create(name="双福园区系统", park=park("SF"))
