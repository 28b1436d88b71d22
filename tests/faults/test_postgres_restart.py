"""PostgreSQL is SIGKILLed, with a batch of the scheduler about to commit, and
comes back while gunicorn serves readers: readers get a clean 503 in Japanese,
the site and the scheduler recover by themselves, and every article (each by
its own author, approved through the workflow verbs) is published exactly once,
with one audit row, one write of its publication time and one e-mail."""

import json
import subprocess
import sys
import time
from collections import Counter

import psycopg
import pytest

from tests.celery_worker import ROOT, celery_env, running_beat, running_worker, wait_until
from tests.faults.services import (
    PG_BIN,
    PrivatePostgres,
    ReaderProbe,
    require_binary,
    running_gunicorn,
    sent_messages,
)
from tests.faults.workload import COUNT_PUBLISHED_AT_WRITES

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SCHEDULED = 300
# Persistent connections are the hard case: each gunicorn worker and the
# Celery worker hold a connection that the crash kills under them. The sweep
# settings are production's (10 s sweeps, batches of 100).
SERVICE_ENV = {"CONN_MAX_AGE": "60"}
OUTAGE_SECONDS = 4
GUNICORN_WORKERS = 2


@pytest.fixture
def private_postgres():
    require_binary(PG_BIN / "initdb")
    cluster = PrivatePostgres()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.destroy()


def query(url, sql):
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return db.execute(sql).fetchone()


def execute(url, sql):
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute(sql)


def blocked_at_commit(url):
    return query(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND query LIKE 'INSERT INTO \"editorial_notification\"%'",
    )[0]


def still_scheduled(url):
    try:
        return query(url, "SELECT count(*) FROM articles_article WHERE status = 'scheduled'")[0]
    except psycopg.OperationalError:
        return None


def test_postgres_crash_while_serving_and_publishing(private_postgres, static_root, artifacts, tmp_path):
    url = private_postgres.url()
    mail = tmp_path / "mail"
    env = {"DATABASE_URL": url, "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
           "EMAIL_FILE_PATH": str(mail), **SERVICE_ENV}  # fmt: skip
    run = {"cwd": ROOT, "env": celery_env(env), "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
    seeded = subprocess.run([sys.executable, "-m", "tests.faults.seed", "3600", str(SCHEDULED)], **run)
    pages = json.loads(seeded.stdout.strip().splitlines()[-1])
    execute(url, COUNT_PUBLISHED_AT_WRITES)
    # The article page asks the database on every request (conditional GET);
    # a search nobody made before is never in the page cache.
    paths = ["/", pages["article"], pages["category"], pages["tag"], "/search/?q=推論{n}"]

    with (
        running_gunicorn(static_root=static_root, log_path=artifacts / "gunicorn-pg.log", extra_env=env,
                         workers=GUNICORN_WORKERS) as port,
        running_worker(name="pg", extra_env=env, concurrency=2),
        running_beat(tmp_path, name="pg", extra_env=env),
        ReaderProbe(port, paths) as probe,
    ):  # fmt: skip
        time.sleep(1)  # readers first, then the burst falls due
        # While this lock is held, a sweep that has published its batch waits to write its
        # notifications, the last statement before its commit.
        locker = psycopg.connect(url.replace("postgres://", "postgresql://"))
        locker.execute("LOCK TABLE editorial_notification IN SHARE MODE")
        execute(url, "UPDATE articles_article SET publish_at = now() WHERE status = 'scheduled'")
        assert wait_until(lambda: blocked_at_commit(url), timeout=30), "no sweep reached its commit"
        left_at_crash = still_scheduled(url)
        private_postgres.kill()
        locker.close()
        down_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        private_postgres.start()
        up_at = time.monotonic()
        left_at_restart = still_scheduled(url)
        assert wait_until(lambda: still_scheduled(url) < left_at_restart, timeout=30, interval=0.02)
        publishing_again = time.monotonic() - up_at
        assert wait_until(lambda: still_scheduled(url) == 0, timeout=60)
        all_published = time.monotonic() - up_at
        assert wait_until(lambda: len(sent_messages(mail)) >= SCHEDULED, timeout=60)
        time.sleep(1)  # more readers after the recovery, and room for any duplicate email

    assert left_at_crash > 0, "the burst was over before the crash; nothing was tested"
    audit = query(
        url,
        """SELECT (SELECT count(*) FROM articles_article WHERE status = 'published' AND published_at IS NULL),
                  (SELECT count(*) FROM editorial_transition WHERE to_status = 'published'),
                  (SELECT count(DISTINCT article_id) FROM editorial_transition WHERE to_status = 'published')""",
    )
    assert audit == (0, SCHEDULED, SCHEDULED), "(published without a time, audit rows, articles audited)"
    writes = query(url, "SELECT count(*), count(DISTINCT article_id) FROM fault_published_at_writes")
    assert writes == (SCHEDULED, SCHEDULED), "one write of each publication time"
    received = Counter(to for to, _ in sent_messages(mail))
    assert received == Counter({f"author-{n}@example.jp": 1 for n in range(SCHEDULED)}), "one e-mail each"

    assert {answer.status for answer in probe.answers} <= {200, 503}
    unavailable = [answer for answer in probe.answers if answer.status == 503]
    during = probe.between(down_at + 0.5, up_at)
    assert any(answer.status == 503 for answer in during), "no reader saw the outage; nothing was tested"
    for answer in unavailable:
        assert "ただいま一時的にご利用いただけません" in answer.body
        assert "Traceback" not in answer.body and "Error" not in answer.body
        assert answer.headers["Retry-After"].isdigit()
        assert answer.headers["Content-Type"].startswith("text/html")
    # After the restart, each gunicorn worker may fail one request on the
    # connection the crash killed (none with CONN_HEALTH_CHECKS), plus the one
    # request in flight when the database came back; then everything is served.
    after = probe.between(up_at)
    failed_after = [answer for answer in after if answer.status != 200]
    assert len(failed_after) <= GUNICORN_WORKERS + 1, [(a.path, a.status) for a in failed_after]
    assert len(after) > 20 and all(answer.status == 200 for answer in after[-20:])
    article_back = next(a.at for a in after if a.status == 200 and a.path == pages["article"]) - up_at
    home_from_cache = sum(1 for answer in during if answer.path == "/" and answer.status == 200)
    print(
        f"\nPostgreSQL down {up_at - down_at:.1f}s with {left_at_crash} of {SCHEDULED} articles still to publish; "
        f"{len(unavailable)} reader requests got the 503 page, {len(failed_after)} of them after the restart; "
        f"home page answered from the page cache {home_from_cache} times during the outage; "
        f"article page served again {article_back:.2f}s after the restart; the scheduler publishing "
        f"again after {publishing_again:.2f}s, every article live after {all_published:.1f}s; no e-mail missing or twice"
    )
