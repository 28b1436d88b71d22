"""A whole Celery worker (main process and pool) SIGKILLed in the middle of
publishing a batch, or of sending the authors' e-mails, with production sweep
settings: nothing is half-written, and once a worker runs again (as the
restart policy in docker-compose.yml starts one) every article is live once,
with one audit row and one write of its publication time, and every author
has had their e-mail exactly once."""

import os
import signal
import time
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from editorial.models import Notification, Transition
from tests.celery_worker import running_worker, wait_until
from tests.faults.services import sent_messages
from tests.faults.workload import (
    approved_through_the_workflow,
    audit_rows_per_article,
    backends,
    blocked_inserting_into,
    counting_published_at_writes,
    outside_connection,
    still_scheduled,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def kill_whole_worker(worker):
    """SIGKILL to the worker's process group: no warm or cold shutdown, nothing acknowledged."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def file_mail(directory, backend="django.core.mail.backends.filebased.EmailBackend"):
    return {"EMAIL_BACKEND": backend, "EMAIL_FILE_PATH": str(directory)}


def make_due(articles):
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        publish_at=timezone.now() - timedelta(seconds=1)
    )


def one_email_each(mail, count):
    return Counter(to for to, _ in sent_messages(mail)) == Counter(
        {f"author-{number}@example.jp": 1 for number in range(count)}
    )


def test_a_worker_killed_as_its_batch_commits_leaves_nothing_half_published(tmp_path, editor, category):
    articles = approved_through_the_workflow(
        30, editor=editor, category=category, publish_at=timezone.now() + timedelta(hours=1)
    )
    mail = tmp_path / "mail"
    with ExitStack() as stack, counting_published_at_writes() as published_at_writes:
        # Taken before the worker starts, this lock stops its start-up sweep after it has
        # marked the batch published in its transaction, at the audit rows.
        locker = stack.enter_context(outside_connection())
        locker.execute("LOCK TABLE editorial_transition IN SHARE MODE")
        make_due(articles)
        worker = stack.enter_context(running_worker(name="batch", extra_env=file_mail(mail)))
        blocked = wait_until(lambda: blocked_inserting_into("editorial_transition"), timeout=30)
        assert len(blocked) == 1, "the start-up sweep never reached the audit rows"
        (stuck,) = blocked
        kill_whole_worker(worker)
        locker.rollback()
        # PostgreSQL rolls back the dead process's transaction once it finds no client.
        assert wait_until(lambda: stuck not in backends("SELECT pid FROM pg_stat_activity"), timeout=15)
        assert still_scheduled() == 30, "the killed batch must leave no trace"
        assert not Transition.objects.filter(to_status=Article.Status.PUBLISHED).exists()
        assert published_at_writes() == {}
        with running_worker(name="batch-restarted", extra_env=file_mail(mail)):
            restarted = time.monotonic()
            assert wait_until(lambda: still_scheduled() == 0, timeout=30)
            live = time.monotonic() - restarted
            assert wait_until(lambda: len(sent_messages(mail)) >= 30, timeout=30)
            time.sleep(2)  # room for a duplicate to show
        writes = published_at_writes()
    ids = sorted(article.pk for article in articles)
    assert audit_rows_per_article() == dict.fromkeys(ids, 1)
    assert writes == dict.fromkeys(ids, 1)
    assert one_email_each(mail, 30)
    print(f"\nall 30 live {live:.1f}s after a new worker started, each once, 30 e-mails, none twice")


def test_a_worker_killed_while_sending_emails_sends_them_after_all_and_only_once(tmp_path, editor, category):
    mail = tmp_path / "mail"
    mail.mkdir()
    articles = approved_through_the_workflow(
        3, editor=editor, category=category, publish_at=timezone.now() + timedelta(hours=1)
    )
    stalling = file_mail(mail, backend="tests.faults.stalling_mail.StallingFileBackend")
    (mail / "stall").touch()
    make_due(articles)
    with running_worker(name="mailer", extra_env=stalling) as worker:
        # The start-up sweep publishes all three; their sender then stalls on the first message.
        assert wait_until(lambda: (mail / "stalled").exists(), timeout=30)
        assert still_scheduled() == 0
        kill_whole_worker(worker)
    pending = Notification.objects.filter(email_status=Notification.Email.PENDING).count()
    (mail / "stall").unlink()
    with running_worker(name="mailer-restarted", extra_env=stalling):
        restarted = time.monotonic()
        assert wait_until(lambda: len(sent_messages(mail)) >= 3, timeout=30)
        sent = time.monotonic() - restarted
        time.sleep(2)  # room for a duplicate to show
    assert pending == 3, "the killed sender's rows stay pending"
    assert one_email_each(mail, 3)
    assert audit_rows_per_article() == dict.fromkeys(sorted(a.pk for a in articles), 1)
    print(f"\nthe three e-mails sent {sent:.1f}s after a new worker started, none twice")
