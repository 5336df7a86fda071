"""The real services: migrations on PostgreSQL, a task through a real Celery worker on Redis."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jinjin_crm.core.selectors import worker_heartbeat_last


@pytest.mark.postgres
@pytest.mark.django_db
def test_migrations_apply_on_postgresql():
    assert connection.vendor == "postgresql"
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    # And the models have no change that a migration does not cover.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_a_real_worker_on_redis():
    from celery.contrib.testing.worker import start_worker

    from jinjin_crm.celery import app
    from jinjin_crm.core.tasks import heartbeat

    assert app.conf.broker_url.startswith("redis://")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = heartbeat.delay()
            returned = result.get(timeout=20)
    finally:
        app.conf.task_always_eager = True
    assert result.successful()
    # The worker ran the task in its own thread and wrote the heartbeat where the site reads it.
    assert worker_heartbeat_last().isoformat() == returned
