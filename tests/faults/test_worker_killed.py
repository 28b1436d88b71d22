"""A Celery pool process SIGKILLed in the middle of publishing a batch, or of
sending the authors' emails: nothing is half-written, every article goes live
once with its audit row, and the emails are sent after all."""

import os
import signal
import time
from contextlib import ExitStack
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from editorial.models import Transition
from tests.celery_worker import running_beat, running_worker, wait_until
from tests.factories import make_scheduled_articles
from tests.faults.services import sent_subjects

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

FAST_SWEEPS = {"SWEEP_INTERVAL_SECONDS": "1"}


def still_scheduled():
    return Article.objects.filter(status=Article.Status.SCHEDULED).count()


def published_once_each(articles):
    rows = Transition.objects.filter(to_status=Article.Status.PUBLISHED).values_list("article_id", flat=True)
    return sorted(rows) == sorted(article.pk for article in articles)


def pool_processes(worker):
    return [int(pid) for pid in open(f"/proc/{worker.pid}/task/{worker.pid}/children").read().split()]


def kill_pool_process(worker):
    (child,) = pool_processes(worker)
    os.kill(child, signal.SIGKILL)
    # The worker notices, gives up the task and forks a fresh pool process.
    assert wait_until(lambda: pool_processes(worker) not in ([], [child]), timeout=15)


def outside_connection(**options):
    """A connection of its own, outside the test's (whose view of pg_stat_activity is frozen)."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
        dbname=settings["NAME"], **options,
    )  # fmt: skip


def backends(sql):
    with outside_connection(autocommit=True) as db:
        return [row[0] for row in db.execute(sql).fetchall()]


def blocked_writing_audit_rows():
    return backends(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        " AND query LIKE 'INSERT INTO \"editorial_transition\"%'"
    )


def test_a_pool_process_killed_mid_batch_leaves_nothing_half_published(tmp_path, writer):
    articles = make_scheduled_articles(
        30, at=timezone.now() - timedelta(seconds=1), author=writer.author_profile
    )
    env = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
           "EMAIL_FILE_PATH": str(tmp_path / "mail"), **FAST_SWEEPS}  # fmt: skip
    with ExitStack() as stack:
        # Taken before the worker starts, this lock stops its start-up sweep after
        # it has marked the batch published in its transaction, before the audit rows.
        locker = stack.enter_context(outside_connection())
        locker.execute("LOCK TABLE editorial_transition IN SHARE MODE")
        worker = stack.enter_context(running_worker(name="batch", extra_env=env, concurrency=1))
        blocked = wait_until(blocked_writing_audit_rows, timeout=30)
        assert len(blocked) == 1, "the start-up sweep never reached the audit rows"
        (stuck,) = blocked
        kill_pool_process(worker)
        locker.rollback()
        # PostgreSQL rolls back the dead process's transaction once it runs on and finds no client.
        assert wait_until(lambda: stuck not in backends("SELECT pid FROM pg_stat_activity"), timeout=15)
        assert still_scheduled() == 30, "the killed batch must leave no trace"
        assert not Transition.objects.exists()
        with running_beat(tmp_path, name="batch", extra_env=env):
            beat_up = time.monotonic()
            assert wait_until(lambda: still_scheduled() == 0, timeout=30)
            print(f"\nall 30 live {time.monotonic() - beat_up:.1f}s after beat started sweeping again")
    assert published_once_each(articles)


def test_a_pool_process_killed_while_sending_emails_sends_them_after_all(tmp_path, writer):
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "stall").touch()
    articles = make_scheduled_articles(
        3, at=timezone.now() - timedelta(seconds=1), author=writer.author_profile
    )
    env = {"EMAIL_BACKEND": "tests.faults.stalling_mail.StallingFileBackend", "EMAIL_FILE_PATH": str(mail)}
    with running_worker(name="mailer", extra_env=env, concurrency=1) as worker:
        # The start-up sweep publishes all three; their email task then stalls.
        assert wait_until(lambda: (mail / "stalled").exists(), timeout=30)
        assert still_scheduled() == 0
        kill_pool_process(worker)
        (mail / "stall").unlink()
        released = time.monotonic()
        assert wait_until(lambda: len(sent_subjects(mail)) >= 3, timeout=30)
        print(f"\nthe three emails sent {time.monotonic() - released:.1f}s after the kill")
        time.sleep(1)  # room for a duplicate to show
    subjects = sent_subjects(mail)
    assert sorted(subjects) == sorted(f"[ALLFORCES] 公開されました: {article.title}" for article in articles)
    assert published_once_each(articles)
