"""Redis (page cache and Celery broker in one, as in docker-compose.yml) goes
away while gunicorn serves readers and articles fall due: readers keep getting
pages, rendered from the database, and the articles due during the outage go
live once each after Redis returns."""

import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from editorial.models import Transition
from tests.celery_worker import running_beat, running_worker, wait_until
from tests.factories import make_article, make_scheduled_articles
from tests.faults.services import PrivateRedis, ReaderProbe, get, require_binary, running_gunicorn

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

DUE = 30
OUTAGE_SECONDS = 4


def still_scheduled():
    return Article.objects.filter(status=Article.Status.SCHEDULED).count()


def test_redis_restart_costs_readers_nothing_and_loses_no_schedule(
    tmp_path, static_root, artifacts, writer, category
):
    require_binary("redis-server")
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = {"REDIS_URL": redis.url(0), "CELERY_BROKER_URL": redis.url(1), "SWEEP_INTERVAL_SECONDS": "1",
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
           "EMAIL_FILE_PATH": str(tmp_path / "mail")}  # fmt: skip
    article = make_article(title="推論モデルの台頭", body="本文です。", authors=[writer.author_profile],
                           categories=[category], tags=["AI"], published=True)  # fmt: skip
    due = make_scheduled_articles(
        DUE, at=timezone.now() + timedelta(hours=1), author=writer.author_profile, category=category
    )
    paths = ["/", article.get_absolute_url(), category.get_absolute_url(), "/tag/ai/", "/search/?q=推論{n}"]
    notes = []
    try:
        with ExitStack() as services:
            port = services.enter_context(
                running_gunicorn(
                    static_root=static_root, log_path=artifacts / "gunicorn-redis.log", extra_env=env
                )
            )
            worker = services.enter_context(running_worker(name="redis", extra_env=env))
            beat = services.enter_context(running_beat(tmp_path, name="redis", extra_env=env))
            probe = services.enter_context(ReaderProbe(port, paths))
            time.sleep(1)  # the page cache fills
            Article.objects.filter(pk__in=[a.pk for a in due]).update(
                publish_at=timezone.now() + timedelta(seconds=1)
            )
            redis.stop()
            down_at = time.monotonic()
            time.sleep(OUTAGE_SECONDS)  # the articles fall due while Redis is down
            went_live_during = DUE - still_scheduled()
            redis.start()
            up_at = time.monotonic()
            time.sleep(1)
            # kombu can end a worker or beat whose broker vanished (docs/scheduling.md);
            # production restarts them (docker-compose.yml), which this stands in for.
            if worker.poll() is not None:
                notes.append("worker exited and was restarted")
                services.enter_context(running_worker(name="redis-restarted", extra_env=env))
            if beat.poll() is not None:
                notes.append("beat exited and was restarted")
                services.enter_context(running_beat(tmp_path, name="redis-restarted", extra_env=env))
            assert wait_until(lambda: still_scheduled() == 0, timeout=60)
            all_live = time.monotonic() - up_at
            # Redis came back empty: the listing is rendered afresh, with the new articles.
            assert wait_until(lambda: "予約記事" in get(port, "/").body, timeout=10)
            time.sleep(1)
    finally:
        redis.stop()

    during = probe.between(down_at, up_at)
    assert len(during) > 20, "too few reader requests during the outage; nothing was tested"
    failures = [(a.path, a.status, a.body[:200]) for a in probe.answers if a.status != 200]
    assert failures == [], "readers must never see an error because Redis is away"
    rows = sorted(
        Transition.objects.filter(to_status=Article.Status.PUBLISHED).values_list("article", flat=True)
    )
    assert rows == sorted(a.pk for a in due), "each due article published once, with its audit row"
    print(
        f"\nRedis down {up_at - down_at:.1f}s: {len(during)} reader requests during it, all 200 "
        f"(of {len(probe.answers)} in all); {went_live_during} of {DUE} went live during the outage, "
        f"all {DUE} live {all_live:.1f}s after Redis returned; {'; '.join(notes) or 'no process exited'}"
    )
