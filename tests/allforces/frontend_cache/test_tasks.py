"""A real Celery worker on Redis purges after the commit, retries a cache that answers 500 or
429 until it succeeds, and the sweep sends again a purge whose message was lost; a broker
that is down at the commit never reaches the code that changed something."""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from allforces.frontend_cache import purging
from allforces.frontend_cache.models import PendingPurge
from tests.celery_worker import ROOT, running_worker, wait_until
from tests.faults.services import free_port

from .servers import CLOUDFLARE_OK, Answer, RecordingServer, purger_settings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def api():
    with RecordingServer(default=CLOUDFLARE_OK) as server:
        yield server


@pytest.fixture(scope="module")
def worker(django_db_setup, api):
    _, _, environment = purger_settings(cloudflare_url=api.url)
    with running_worker(name="purger", extra_env=environment) as process:
        yield process


@pytest.fixture
def cloudflare(settings, api, worker):
    names, options, _ = purger_settings(cloudflare_url=api.url)
    settings.FRONTEND_CACHE_PURGERS = names
    settings.FRONTEND_CACHE_OPTIONS = options
    api.received.clear()
    api.script.clear()
    return api


def purged_tags(api):
    return [json.loads(request.body)["tags"] for request in api.received]


def test_the_worker_purges_once_the_change_is_committed(cloudflare):
    with transaction.atomic():
        batch_id = purging.purge_after_commit(["article-12", "home"])
        time.sleep(1)
        assert cloudflare.received == []
    assert wait_until(lambda: not PendingPurge.objects.filter(pk=batch_id).exists())
    assert purged_tags(cloudflare) == [["article-12", "home"]]


def test_a_cache_that_answers_500_then_429_is_retried_until_it_purges(cloudflare):
    cloudflare.answer_next(Answer(500, body=b"internal error"), Answer(429, body=b"slow down"))
    batch_id = purging.purge_after_commit(["article-13"])
    assert wait_until(lambda: not PendingPurge.objects.filter(pk=batch_id).exists(), timeout=60)
    assert purged_tags(cloudflare) == [["article-13"]] * 3


def test_the_sweep_sends_again_a_purge_whose_message_was_lost(cloudflare):
    lost = PendingPurge.objects.create(keys=["category-3"], touched_at=timezone.now() - timedelta(minutes=6))
    assert purging.requeue_stale() == 1
    assert wait_until(lambda: not PendingPurge.objects.filter(pk=lost.pk).exists())
    assert purged_tags(cloudflare) == [["category-3"]]


QUEUE_WITHOUT_A_BROKER = """
import json, django
django.setup()
from django.db import transaction
from allforces.frontend_cache import purging
with transaction.atomic():
    batch_id = purging.purge_after_commit(["article-12"])
print(json.dumps({"batch_id": batch_id}))
"""


def test_a_broker_that_is_down_at_the_commit_is_logged_and_the_batch_waits_for_the_sweep():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allforces.settings",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        "LOG_FORMAT": "json",
        **purger_settings(cloudflare_url="http://127.0.0.1:9")[2],
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", QUEUE_WITHOUT_A_BROKER],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    batch_id = json.loads(result.stdout.strip().splitlines()[-1])["batch_id"]
    assert PendingPurge.objects.get(pk=batch_id).attempts == 0
    warnings = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(
        line["level"] == "WARNING"
        and line.get("batch_id") == batch_id
        and "Connection" in line.get("exc_info", "")
        for line in warnings
    ), result.stderr
