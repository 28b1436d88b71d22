"""Scheduled articles go live by themselves: real workers, beats, Redis and PostgreSQL."""

import shutil
import socket
import subprocess
import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from editorial import pending_review, workflow
from editorial.models import PendingVersion, Revision, Transition
from tests.celery_worker import running_beat, running_worker, stop, wait_until
from tests.factories import make_scheduled_articles, make_scheduled_updates

pytestmark = pytest.mark.django_db(transaction=True)

S = Article.Status
FAST_SWEEPS = {"SWEEP_INTERVAL_SECONDS": "1"}


def still_scheduled():
    return Article.objects.filter(status=S.SCHEDULED).count()


def published_once_each(articles):
    rows = list(Transition.objects.filter(to_status=S.PUBLISHED).values_list("article_id", flat=True))
    return sorted(rows) == sorted(article.pk for article in articles)


def lateness(article):
    article.refresh_from_db()
    return (article.published_at - article.publish_at).total_seconds()


def test_an_article_scheduled_seconds_ahead_goes_live_by_itself(tmp_path, editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    with running_worker(), running_beat(tmp_path):
        when = timezone.now() + timedelta(seconds=3)
        workflow.approve(ready_article, by=editor, publish_at=when)
        assert not Article.objects.published().filter(pk=ready_article.pk).exists()
        assert wait_until(
            lambda: Article.objects.published().filter(pk=ready_article.pk).exists(), timeout=15
        )
    assert 0 <= lateness(ready_article) <= 2
    assert Transition.objects.get(article=ready_article, to_status=S.PUBLISHED).actor is None


def test_two_workers_two_beats_500_due_at_once_each_published_once(tmp_path, writer, category):
    articles = make_scheduled_articles(
        500, at=timezone.now() + timedelta(seconds=4), author=writer.author_profile, category=category
    )
    mail = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        **FAST_SWEEPS,
    }
    with (
        running_worker(name="w1", extra_env=mail, concurrency=2),
        running_worker(name="w2", extra_env=mail, concurrency=2),
        running_beat(tmp_path, name="b1", extra_env=FAST_SWEEPS),
        running_beat(tmp_path, name="b2", extra_env=FAST_SWEEPS),
    ):
        assert wait_until(lambda: still_scheduled() == 0, timeout=90)
        assert wait_until(lambda: notifications(tmp_path / "mail") >= 500, timeout=60)
        time.sleep(2)  # any duplicate would have arrived by now
    assert published_once_each(articles)
    assert notifications(tmp_path / "mail") == 500


def notifications(directory):
    # The file backend may append several messages to one file.
    return sum(path.read_text().count("To: writer@example.jp") for path in directory.glob("*.log"))


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(tmp_path, writer):
    articles = make_scheduled_articles(
        400, at=timezone.now() - timedelta(seconds=1), author=writer.author_profile
    )
    env = {**FAST_SWEEPS, "PUBLISH_BATCH_SIZE": "20"}
    with running_beat(tmp_path, extra_env=env):
        with running_worker(name="doomed", extra_env=env, concurrency=2) as worker:
            assert wait_until(lambda: still_scheduled() < 380, timeout=30, interval=0.02)
            stop(worker, kill=True)  # SIGKILL to the worker and its pool, mid-stream
        left = still_scheduled()
        assert left > 0, "the worker finished before it was killed; nothing was tested"
        with running_worker(name="restarted", extra_env=env, concurrency=2):
            assert wait_until(lambda: still_scheduled() == 0, timeout=60)
    assert published_once_each(articles)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port, tmp_path):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert wait_until(
        lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0
    )
    return process


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_redis_restarted_while_articles_are_due_loses_nothing(tmp_path, writer, settings):
    port = _free_port()
    redis = _start_redis(port, tmp_path)
    broker = {"CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0", **FAST_SWEEPS}
    articles = make_scheduled_articles(
        50, at=timezone.now() + timedelta(seconds=3), author=writer.author_profile
    )
    try:
        with ExitStack() as processes:
            worker = processes.enter_context(running_worker(extra_env=broker))
            processes.enter_context(running_beat(tmp_path, extra_env=broker))
            redis.terminate()
            redis.wait()
            time.sleep(5)  # the articles fall due while the broker is down
            # A sweep the worker already held may publish them now (the database is
            # all it needs); otherwise they must go live once Redis is back.
            print(f"{50 - still_scheduled()} of 50 went live while Redis was down")
            redis = _start_redis(port, tmp_path)
            restarted = time.monotonic()
            time.sleep(1)
            if worker.poll() is not None:
                # kombu can end the worker ("Unrecoverable error") when Redis vanishes
                # while it holds unacknowledged messages; production runs workers under
                # a restart policy (docker-compose.yml), which this stands in for.
                print("worker exited when the broker went away; restarted as its supervisor would")
                processes.enter_context(running_worker(name="restarted", extra_env=broker))
            assert wait_until(lambda: still_scheduled() == 0, timeout=60)
            recovery = time.monotonic() - restarted
    finally:
        redis.terminate()
        redis.wait()
    assert published_once_each(articles)
    print(f"all overdue articles live {recovery:.1f}s after Redis came back")


def test_rescheduled_and_unscheduled_articles_ignore_their_old_time(
    tmp_path, editor, writer, ready_article, category
):
    from tests.factories import READY_BODY, make_article

    other = make_article(
        title="取り消す記事",
        body=READY_BODY,
        excerpt="取り消す。",
        authors=[writer.author_profile],
        categories=[category],
        tags=["AI"],
    )
    for article in (ready_article, other):
        workflow.submit(article, by=writer)
    with running_worker(extra_env=FAST_SWEEPS), running_beat(tmp_path, extra_env=FAST_SWEEPS):
        soon = timezone.now() + timedelta(seconds=2)
        workflow.approve(ready_article, by=editor, publish_at=soon)
        workflow.approve(other, by=editor, publish_at=soon)
        workflow.reschedule(ready_article, by=editor, publish_at=timezone.now() + timedelta(hours=1))
        workflow.unschedule(other, by=editor)
        time.sleep(5)
    ready_article.refresh_from_db()
    other.refresh_from_db()
    assert (ready_article.status, other.status) == (S.SCHEDULED, S.REVIEW)
    assert not Transition.objects.filter(to_status=S.PUBLISHED).exists()


def test_a_reader_racing_the_publish_time_never_sees_it_early(tmp_path, editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    client = Client()
    url = ready_article.get_absolute_url()
    requests = []
    with running_worker(extra_env=FAST_SWEEPS), running_beat(tmp_path, extra_env=FAST_SWEEPS):
        when = timezone.now() + timedelta(seconds=2)
        workflow.approve(ready_article, by=editor, publish_at=when)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            status = client.get(url).status_code
            requests.append((timezone.now(), status))
            if status == 200:
                break
    answered_before = [status for answered_at, status in requests if answered_at < when]
    assert answered_before and set(answered_before) == {404}
    assert requests[-1][1] == 200, "the article never went live"
    ready_article.refresh_from_db()
    assert ready_article.published_at >= when


# Scheduled changes to live articles (issue 15, item 3): the same workers and beats.


def changes_waiting():
    return PendingVersion.objects.count()


def changes_published_once_each(articles):
    rows = list(
        Revision.objects.filter(note__startswith="公開予約した変更を公開").values_list(
            "article_id", flat=True
        )
    )
    return sorted(rows) == sorted(article.pk for article in articles)


def test_a_change_scheduled_seconds_ahead_goes_live_by_itself(tmp_path, editor, writer):
    (article,) = make_scheduled_updates(
        1, at=timezone.now() + timedelta(days=1), author=writer.author_profile
    )
    with running_worker(), running_beat(tmp_path):
        when = timezone.now() + timedelta(seconds=3)
        pending_review.schedule(article, by=editor, publish_at=when)  # arms a sweep for that moment
        assert wait_until(lambda: changes_waiting() == 0, timeout=15)
    article.refresh_from_db()
    assert article.body == "予約した変更 0"
    assert 0 <= (article.updated_at - when).total_seconds() <= 2
    assert changes_published_once_each([article])


def test_two_workers_two_beats_100_changes_due_at_once_each_published_once(tmp_path, writer):
    articles = make_scheduled_updates(
        100, at=timezone.now() + timedelta(seconds=3), author=writer.author_profile
    )
    with (
        running_worker(name="w1", extra_env=FAST_SWEEPS, concurrency=2),
        running_worker(name="w2", extra_env=FAST_SWEEPS, concurrency=2),
        running_beat(tmp_path, name="b1", extra_env=FAST_SWEEPS),
        running_beat(tmp_path, name="b2", extra_env=FAST_SWEEPS),
    ):
        assert wait_until(lambda: changes_waiting() == 0, timeout=90)
        time.sleep(2)  # any duplicate would have arrived by now
    assert changes_published_once_each(articles)
    assert [article.body for article in Article.objects.filter(pk=articles[7].pk)] == ["予約した変更 7"]


def test_a_worker_killed_mid_batch_loses_and_duplicates_no_change(tmp_path, writer):
    articles = make_scheduled_updates(
        120, at=timezone.now() - timedelta(seconds=1), author=writer.author_profile
    )
    env = {**FAST_SWEEPS, "PUBLISH_BATCH_SIZE": "5"}
    with running_beat(tmp_path, extra_env=env):
        with running_worker(name="doomed", extra_env=env, concurrency=2) as worker:
            assert wait_until(lambda: changes_waiting() < 110, timeout=30, interval=0.02)
            stop(worker, kill=True)  # SIGKILL to the worker and its pool, mid-stream
        left = changes_waiting()
        assert left > 0, "the worker finished before it was killed; nothing was tested"
        with running_worker(name="restarted", extra_env=env, concurrency=2):
            assert wait_until(lambda: changes_waiting() == 0, timeout=60)
    assert changes_published_once_each(articles)
