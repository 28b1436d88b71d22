"""/healthz says the process is up; /readyz says it can reach its database and broker, and
whether front-end cache purges are backing up."""

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from allforces.frontend_cache.models import PendingPurge

ROOT = Path(__file__).resolve().parents[2]

ASK_READYZ = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/readyz")
print(json.dumps({"status": response.status_code, "body": json.loads(response.content)}))
"""


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _readyz(**environment):
    # A process of its own, so its database and broker addresses are its own.
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allforces.settings",
        "ALLOWED_HOSTS": "testserver",
        # The server's maintenance database: it always exists, tables or not.
        "DATABASE_URL": f"{server}/postgres",
    }
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", ASK_READYZ], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_ready_when_the_database_and_the_broker_answer():
    assert _readyz() == {"status": 200, "body": {"database": "ok", "broker": "ok"}}


def test_not_ready_when_the_broker_is_unreachable():
    answer = _readyz(CELERY_BROKER_URL=f"redis://127.0.0.1:{_closed_port()}/0")
    assert answer == {"status": 503, "body": {"database": "ok", "broker": "unreachable"}}


def test_not_ready_when_the_database_is_unreachable():
    answer = _readyz(DATABASE_URL=f"postgres://postgres@127.0.0.1:{_closed_port()}/allforces")
    assert answer == {"status": 503, "body": {"database": "unreachable", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_is_never_cached(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def purgers_configured(settings):
    settings.FRONTEND_CACHE_PURGERS = ["varnish"]
    settings.FRONTEND_CACHE_OPTIONS = {"varnish": {"urls": ["http://127.0.0.1:9"]}}
    settings.FRONTEND_CACHE_BACKLOG_SECONDS = 300


@pytest.mark.django_db
def test_readyz_says_front_end_purges_keep_up(client, purgers_configured):
    PendingPurge.objects.create(keys=["home"])
    response = client.get("/readyz")
    assert (response.status_code, response.json()["frontend_cache"]) == (200, "ok")


@pytest.mark.django_db
def test_readyz_reports_purges_backing_up_without_taking_the_replica_out(client, purgers_configured, caplog):
    PendingPurge.objects.create(keys=["home"], created_at=timezone.now() - timedelta(minutes=6))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "frontend_cache": "backlog"}
    assert any(
        record.getMessage() == "readiness: front-end cache purges are backing up" for record in caplog.records
    )
