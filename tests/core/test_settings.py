"""Start-up refuses unsafe configuration; production values pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env):
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "jinjin_crm.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**overrides):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "p7$kq-" + Fernet.generate_key().decode() + "-x9!",
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "crm.jiangjin.example",
        "DATABASE_URL": "sqlite:////tmp/jinjin-crm-check.sqlite3",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


@pytest.mark.parametrize("variable", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY"])
def test_start_up_stops_without_a_secret_when_not_debug(variable):
    result = run_manage("check", env=production_env(**{variable: None}))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{variable} is not set")


def test_debug_has_development_defaults():
    result = run_manage(
        "check", env={"DEBUG": "true", "DATABASE_URL": "sqlite:////tmp/jinjin-crm-check.sqlite3"}
    )
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_connections_are_health_checked():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


def test_celery_is_configured_for_reliable_delivery():
    from jinjin_crm.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit
    assert app.conf.task_soft_time_limit
    assert "worker-heartbeat" in app.conf.beat_schedule
