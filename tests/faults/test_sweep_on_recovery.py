"""What fell due while Redis was away, or before beat started, goes live at once: it does not
wait for the next periodic sweep. The sweep interval here is a minute, so only the sweeps a
worker sends when it (re)connects, and beat when it starts, can explain a quick publication."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.celery_worker import running_beat, running_worker, wait_until
from tests.factories import make_scheduled_articles
from tests.faults.services import PrivateRedis, require_binary

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

DUE = 10
LONG_INTERVAL = "60"
QUICKLY = 15  # seconds: far less than the interval


def still_scheduled():
    return Article.objects.filter(status=Article.Status.SCHEDULED).count()


def make_due(articles):
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        publish_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def redis(tmp_path):
    require_binary("redis-server")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def env_for(redis, tmp_path):
    return {"REDIS_URL": redis.url(0), "CELERY_BROKER_URL": redis.url(1), "SWEEP_INTERVAL_SECONDS": LONG_INTERVAL,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail")}  # fmt: skip


def test_a_worker_sweeps_when_redis_comes_back_after_a_sigkill(redis, tmp_path, writer, category):
    later = timezone.now() + timedelta(hours=1)
    due = make_scheduled_articles(DUE, at=later, author=writer.author_profile, category=category)
    with running_worker(name="recovery", extra_env=env_for(redis, tmp_path)) as worker:
        time.sleep(2)  # its start-up sweep has run, with nothing due
        redis.kill()
        make_due(due)  # they fall due while the broker is away
        time.sleep(3)
        assert still_scheduled() == DUE
        redis.start()
        back = time.monotonic()
        assert wait_until(lambda: still_scheduled() == 0, timeout=QUICKLY), "nothing swept on reconnection"
        took = time.monotonic() - back
        assert worker.poll() is None, "the worker must reconnect, not exit (it was not restarted here)"
    print(f"\nall {DUE} live {took:.1f}s after Redis returned (sweep interval {LONG_INTERVAL}s, no beat)")


def test_beat_sweeps_when_it_starts(redis, tmp_path, writer, category):
    later = timezone.now() + timedelta(hours=1)
    due = make_scheduled_articles(DUE, at=later, author=writer.author_profile, category=category)
    env = env_for(redis, tmp_path)
    with running_worker(name="beat-start", extra_env=env):
        time.sleep(2)  # the worker's own start-up sweep has run, with nothing due
        make_due(due)
        time.sleep(2)
        assert still_scheduled() == DUE  # no beat yet, and the worker does not poll
        with running_beat(tmp_path, name="beat-start", extra_env=env):
            started = time.monotonic()
            assert wait_until(lambda: still_scheduled() == 0, timeout=QUICKLY), "beat did not sweep at start"
            took = time.monotonic() - started
    print(f"\nall {DUE} live {took:.1f}s after beat started (sweep interval {LONG_INTERVAL}s)")
