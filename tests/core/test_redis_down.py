"""Redis is not on the write path (issue 13): with the cache and the broker down, the site answers.

Each test starts a throwaway ``redis-server`` of its own on a free port, points the cache and Celery
at it, checks that they use it, stops it, and looks at the site. The shared Redis (6379) is never
touched: nothing here knows its address.
"""

import contextlib
import datetime
import logging
import shutil
import socket
import subprocess
import time

import pytest

from jinjin_crm.celery import app as celery_app
from tests import factories
from tests.api.test_api_base import token

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server program"),
]

# A request may wait about a second for Redis (the timeouts in settings). The bound asserted is five
# times that: the suite runs on loaded two-core CI machines, and what it must catch is the 20 s the
# result backend's default retries used to take, not a few hundred milliseconds of scheduling.
UPPER_BOUND_SECONDS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class ThrowawayRedis:
    """A ``redis-server`` without persistence in a temporary directory, stopped by ``stop()``."""

    def __init__(self, directory):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        assert not _answers(self.port)


def _reset_celery_connections() -> None:
    """Make Celery connect afresh: its connection pool and result backend are built once per app."""
    celery_app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        celery_app.__dict__["amqp"]._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def redis_server(tmp_path, settings):
    """A throwaway Redis that the cache and Celery (not inline) use; stopped at the end whatever happens."""
    server = ThrowawayRedis(tmp_path)
    saved = {name: celery_app.conf[name] for name in ("broker_url", "result_backend", "task_always_eager")}
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": server.url,
                "OPTIONS": {
                    "socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT,
                    "socket_timeout": settings.REDIS_SOCKET_TIMEOUT,
                },
            }
        }
        celery_app.conf.update(broker_url=server.url, result_backend=server.url, task_always_eager=False)
        _reset_celery_connections()
        yield server
    finally:
        server.stop()
        celery_app.conf.update(saved)
        _reset_celery_connections()


def test_health_is_a_json_503_naming_the_cache_and_the_broker(client, redis_server):
    from django.core.cache import cache

    up = client.get("/healthz")
    assert up.status_code == 200, up.content
    cache.set("probe", "1")
    with socket.create_connection(("127.0.0.1", redis_server.port)) as raw:
        raw.sendall(b"EXISTS :1:probe\r\n")
        assert raw.recv(100) == b":1\r\n"  # the cache is the throwaway server

    redis_server.stop()
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["cache"].startswith("down")
    assert body["broker"].startswith("down")
    assert elapsed < UPPER_BOUND_SECONDS


def test_api_read_answers_with_the_cache_down_and_the_throttle_logs(api, park_client, redis_server, caplog):
    _client, key = park_client
    token(api, key)
    assert api.get("/api/v1/parks/").status_code == 200

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="jinjin_crm.api.throttling"):
        response = api.get("/api/v1/parks/")

    assert response.status_code == 200
    assert any("throttle not applied" in record.getMessage() for record in caplog.records)


def test_a_write_that_queues_jobs_finishes_fast_and_logs_with_the_broker_down(
    api, park_client, redis_server, caplog, django_capture_on_commit_callbacks
):
    from projects.models import TalentDemand

    _client, key = park_client
    token(api, key)
    enterprise = factories.enterprise(park_code="SF")
    body = {
        "position": "视觉算法工程师",
        "disciplines": ["0812"],
        "min_degree": "MASTER",
        "tier": "C",
        "headcount": 1,
        "valid_until": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
        "enterprise": enterprise.pk,
    }

    redis_server.stop()
    started = time.monotonic()
    # The suite's transaction never commits: run the request's on-commit sends as the commit would.
    with (
        caplog.at_level(logging.WARNING, logger="jinjin_crm.core.task_requests"),
        django_capture_on_commit_callbacks(execute=True) as sends,
    ):
        response = api.post("/api/v1/demands/", body, format="json")
    elapsed = time.monotonic() - started

    assert response.status_code == 201, response.content
    assert TalentDemand.objects.filter(pk=response.json()["id"]).exists()
    assert len(sends) == 2  # the catalogue refresh and the demand's recompute
    queued = [
        record.getMessage() for record in caplog.records if record.name == "jinjin_crm.core.task_requests"
    ]
    assert len(queued) == 2
    assert all(message.startswith("Could not queue matching.") for message in queued)
    assert elapsed < UPPER_BOUND_SECONDS


def test_a_worker_keeps_celerys_patient_retries():
    from celery import signals

    class Conf(dict):
        __getattr__ = dict.get

        def __setattr__(self, name, value):
            self[name] = value

    conf = Conf(result_backend_transport_options={"retry_policy": {"max_retries": 1}})
    signals.celeryd_init.send(sender="worker@test", instance=None, conf=conf, options={})
    assert conf["result_backend_transport_options"] == {}
    assert conf["task_publish_retry_policy"]["max_retries"] == 3
