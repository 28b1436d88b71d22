"""Redis (page cache and Celery broker in one, as in docker-compose.yml) is
SIGKILLed at the moment a scheduler's batch commits, with production sweep
settings, while gunicorn serves readers. With no persistence, the queued sweep
and the notification sender die with it, and the batch's commit cannot queue
its sender. Readers keep getting pages; after Redis returns, every article is
live once (one audit row, one write of its publication time) and every author
has had their e-mail exactly once."""

import time
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from editorial.models import Notification
from tests.celery_worker import running_beat, running_worker, wait_until
from tests.factories import make_article
from tests.faults.services import (
    PrivateRedis,
    ReaderProbe,
    get,
    require_binary,
    running_gunicorn,
    sent_messages,
)
from tests.faults.workload import (
    approved_through_the_workflow,
    audit_rows_per_article,
    blocked_inserting_into,
    counting_published_at_writes,
    outside_connection,
    still_scheduled,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

DUE = 250  # each by its own author: 250 e-mails owed, in three batches of the production 100
BATCH = 100
OUTAGE_SECONDS = 4


def test_redis_killed_as_a_batch_commits_loses_no_article_and_no_email(
    tmp_path, static_root, artifacts, editor, category
):
    require_binary("redis-server")
    redis = PrivateRedis(tmp_path)
    redis.start()
    mail = tmp_path / "mail"
    # Production's sweep settings (10 s sweeps, 30 s notification runs, batches of 100): no override.
    env = {"REDIS_URL": redis.url(0), "CELERY_BROKER_URL": redis.url(1),
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
           "EMAIL_FILE_PATH": str(mail)}  # fmt: skip
    article = make_article(title="推論モデルの台頭", body="本文です。", categories=[category], tags=["AI"],
                           published=True)  # fmt: skip
    due = approved_through_the_workflow(
        DUE, editor=editor, category=category, publish_at=timezone.now() + timedelta(hours=1)
    )
    paths = ["/", article.get_absolute_url(), category.get_absolute_url(), "/tag/ai/", "/search/?q=推論{n}"]
    notes = []
    with ExitStack() as services, counting_published_at_writes() as published_at_writes:
        services.callback(redis.stop)
        port = services.enter_context(
            running_gunicorn(
                static_root=static_root, log_path=artifacts / "gunicorn-redis.log", extra_env=env
            )
        )
        worker = services.enter_context(running_worker(name="redis", extra_env=env, concurrency=2))
        beat = services.enter_context(running_beat(tmp_path, name="redis", extra_env=env))
        probe = services.enter_context(ReaderProbe(port, paths))
        time.sleep(1)  # the page cache fills
        # While this lock is held a sweep that has published its batch waits to write its
        # notifications, the last statement before its commit.
        locker = services.enter_context(outside_connection())
        locker.execute("LOCK TABLE editorial_notification IN SHARE MODE")
        Article.objects.filter(pk__in=[a.pk for a in due]).update(publish_at=timezone.now())
        assert wait_until(lambda: blocked_inserting_into("editorial_notification"), timeout=30), (
            "no sweep reached its commit"
        )
        redis.kill()
        down_at = time.monotonic()
        locker.rollback()  # the held batches commit now, with the broker gone
        assert wait_until(lambda: DUE - still_scheduled() >= BATCH, timeout=15), (
            "the held batch must commit while Redis is down"
        )
        time.sleep(0.5)  # a second batch held at the same lock commits too
        committed_while_down = DUE - still_scheduled()
        time.sleep(OUTAGE_SECONDS)
        unsent_while_down = Notification.objects.filter(email_status=Notification.Email.PENDING).count()
        redis.start()
        up_at = time.monotonic()
        time.sleep(1)
        # kombu can end a worker or beat whose broker vanished (docs/scheduling.md);
        # production restarts them (docker-compose.yml), which this stands in for.
        if worker.poll() is not None:
            notes.append("worker exited and was restarted")
            services.enter_context(running_worker(name="redis-restarted", extra_env=env, concurrency=2))
        if beat.poll() is not None:
            notes.append("beat exited and was restarted")
            services.enter_context(running_beat(tmp_path, name="redis-restarted", extra_env=env))
        assert wait_until(lambda: still_scheduled() == 0, timeout=60)
        all_live = time.monotonic() - up_at
        assert wait_until(lambda: len(sent_messages(mail)) >= DUE, timeout=60)
        all_sent = time.monotonic() - up_at
        # Redis came back empty: the listing is rendered afresh, with the new articles.
        assert wait_until(lambda: "予約記事" in get(port, "/").body, timeout=10)
        time.sleep(3)  # room for a duplicate to show
        writes = published_at_writes()

    assert unsent_while_down >= committed_while_down, "their e-mails must have been waiting, not lost"
    during = probe.between(down_at, up_at)
    assert len(during) > 20, "too few reader requests during the outage; nothing was tested"
    failures = [(a.path, a.status, a.body[:200]) for a in probe.answers if a.status != 200]
    assert failures == [], "readers must never see an error because Redis is away"
    ids = sorted(a.pk for a in due)
    assert audit_rows_per_article() == dict.fromkeys(ids, 1), "one audit row per article"
    assert writes == dict.fromkeys(ids, 1), "one write of each publication time"
    received = Counter(to for to, _ in sent_messages(mail))
    assert received == Counter({f"author-{number}@example.jp": 1 for number in range(DUE)})
    print(
        f"\nRedis SIGKILLed as a batch committed, down {up_at - down_at:.1f}s: {committed_while_down} of {DUE}"
        f" published with the broker gone, {unsent_while_down} e-mails waiting; {len(during)} reader requests"
        f" during it, all 200 (of {len(probe.answers)}); all live {all_live:.1f}s and all {DUE} e-mails sent"
        f" {all_sent:.1f}s after Redis returned, none twice; {'; '.join(notes) or 'no process exited'}"
    )
