import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article
from editorial import revisions, scheduling, tasks, workflow
from editorial.models import Notification, PendingVersion, Revision, Transition
from tests.factories import READY_BODY, make_scheduled_articles, make_scheduled_updates

pytestmark = pytest.mark.django_db

S = Article.Status


def test_sweep_publishes_due_articles_oldest_first_and_leaves_future_ones(author):
    now = timezone.now()
    late = make_scheduled_articles(1, at=now - timedelta(minutes=5), author=author)[0]
    early = make_scheduled_articles(1, at=now - timedelta(minutes=10), author=author)[0]
    future = make_scheduled_articles(1, at=now + timedelta(minutes=5), author=author)[0]
    assert scheduling.publish_due() == 2
    order = list(Transition.objects.order_by("id").values_list("article_id", flat=True))
    assert order == [early.pk, late.pk]
    future.refresh_from_db()
    assert future.status == S.SCHEDULED
    transition = Transition.objects.get(article=late)
    assert (transition.actor, transition.actor_label) == (None, "システム（スケジューラー）")


def test_sweep_works_in_batches(author, settings):
    make_scheduled_articles(25, at=timezone.now() - timedelta(seconds=1), author=author)
    first = scheduling.publish_batch(batch_size=10)
    assert (first.published, first.more_due) == (10, True)
    assert scheduling.publish_due(batch_size=10) == 15
    assert not scheduling.due_articles().exists()


def test_running_the_sweep_twice_publishes_once(writer, django_capture_on_commit_callbacks):
    make_scheduled_articles(3, at=timezone.now() - timedelta(seconds=1), author=writer.author_profile)
    with django_capture_on_commit_callbacks() as callbacks:
        assert scheduling.publish_due() == 3
        assert scheduling.publish_due() == 0
    published = Transition.objects.filter(to_status=S.PUBLISHED)
    assert published.count() == 3
    # The authors' notifications are rows of the batch's own transaction, one per audit row,
    # and one sender is queued for the batch.
    assert sorted(Notification.objects.values_list("transition", "recipient")) == sorted(
        (pk, writer.pk) for pk in published.values_list("pk", flat=True)
    )
    assert len([c for c in callbacks if "send_notifications" in repr(c)]) == 1


def test_dry_run_lists_and_changes_nothing(author):
    make_scheduled_articles(2, at=timezone.now() - timedelta(seconds=1), author=author)
    out = StringIO()
    call_command("publish_scheduled", "--dry-run", stdout=out)
    assert "公開予定日時を過ぎた記事: 2 件" in out.getvalue()
    assert Article.objects.filter(status=S.SCHEDULED).count() == 2
    call_command("publish_scheduled", stdout=out)
    assert "2 件を公開しました。" in out.getvalue()
    assert not Article.objects.filter(status=S.SCHEDULED).exists()


def test_a_rescheduled_article_is_not_published_at_its_old_time(editor, author):
    article = make_scheduled_articles(1, at=timezone.now() + timedelta(seconds=30), author=author)[0]
    workflow.reschedule(article, by=editor, publish_at=timezone.now() + timedelta(hours=2))
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        assert scheduling.publish_due() == 0
    workflow.unschedule(article, by=editor)
    assert scheduling.publish_due() == 0
    article.refresh_from_db()
    assert article.status == S.REVIEW


def test_only_moments_before_the_next_sweep_are_armed(author, settings):
    now = timezone.now()
    soon = now + timedelta(seconds=5)
    make_scheduled_articles(3, at=soon, author=author)
    make_scheduled_articles(1, at=now + settings.SWEEP_LOOKAHEAD + timedelta(minutes=5), author=author)
    assert scheduling.moments_due_soon(settings.SWEEP_LOOKAHEAD) == [soon]
    assert scheduling.claim_arming(soon) is True
    assert scheduling.claim_arming(soon) is False  # a second sweep does not arm it again


def test_approving_for_a_near_time_arms_a_sweep_after_commit(
    editor, ready_article, django_capture_on_commit_callbacks
):
    workflow.submit(ready_article, by=editor)
    when = timezone.now() + timedelta(seconds=5)
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.approve(ready_article, by=editor, publish_at=when)
    armed = [c for c in callbacks if getattr(c, "func", None) is tasks.arm_if_soon]
    assert [c.args for c in armed] == [(when,)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_share_the_work_and_publish_each_article_once(author):
    articles = make_scheduled_articles(120, at=timezone.now() - timedelta(seconds=1), author=author)
    counts = []
    start = threading.Barrier(3)

    def sweep():
        start.wait()
        try:
            counts.append(scheduling.publish_due(batch_size=10))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == len(articles)
    per_article = Transition.objects.filter(to_status=S.PUBLISHED).values_list("article_id", flat=True)
    assert sorted(per_article) == sorted(a.pk for a in articles)


def test_admin_schedule_lists_upcoming_articles_by_day_in_tokyo(client, editor, author):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.urls import reverse

    tokyo = ZoneInfo("Asia/Tokyo")
    make_scheduled_articles(1, at=datetime(2031, 1, 5, 23, 30, tzinfo=tokyo), author=author)
    make_scheduled_articles(2, at=datetime(2031, 1, 6, 0, 15, tzinfo=tokyo), author=author)
    make_scheduled_articles(1, at=timezone.now() - timedelta(minutes=1), author=author)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_schedule"))
    html = response.content.decode()
    assert [len(articles) for _, articles in response.context["days"]] == [1, 1, 2]
    assert "2031年1月5日" in html and "23:30" in html and "00:15" in html
    assert "公開されていない記事が 1 件あります" in html
    assert "公開予定の一覧" in client.get(reverse("admin:articles_article_changelist")).content.decode()


def test_cached_listing_is_refreshed_when_the_scheduler_publishes(
    client, author, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    make_scheduled_articles(1, at=timezone.now() - timedelta(seconds=1), author=author)
    assert "予約記事 0" not in client.get(reverse("articles:home")).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.publish_due()
    assert "予約記事 0" in client.get(reverse("articles:home")).content.decode()


def test_an_armed_sweep_that_wakes_before_its_moment_looks_again(author, settings):
    import json

    import redis

    moment = timezone.now() + timedelta(seconds=2)
    make_scheduled_articles(1, at=moment, author=author)
    scheduling.claim_arming(moment)  # already armed: only the second look may be queued
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    broker.delete(queue)

    assert tasks.sweep_due_articles(armed_for=moment.isoformat()) == 0

    queued = [json.loads(message) for message in broker.lrange(queue, 0, -1)]
    assert [m["headers"]["task"] for m in queued] == ["editorial.sweep_due_articles"]
    assert queued[0]["headers"]["eta"] is not None  # a short countdown, not an immediate run
    assert moment.isoformat() in queued[0]["headers"]["argsrepr"]
    broker.delete(queue)


# Scheduled changes to live articles (issue 15, item 3): the same sweep, exactly once.


def published_updates():
    return list(
        Revision.objects.filter(note__startswith="公開予約した変更を公開").values_list(
            "article_id", flat=True
        )
    )


def test_the_sweep_publishes_due_changes_to_live_articles_and_leaves_future_ones(author):
    due = make_scheduled_updates(2, at=timezone.now() - timedelta(seconds=1), author=author)
    future = make_scheduled_updates(1, at=timezone.now() + timedelta(minutes=5), author=author)
    assert scheduling.publish_due() == 2
    assert scheduling.publish_due() == 0
    assert sorted(published_updates()) == sorted(article.pk for article in due)
    assert [Article.objects.get(pk=a.pk).body for a in due] == ["予約した変更 0", "予約した変更 1"]
    assert list(PendingVersion.objects.values_list("article_id", flat=True)) == [future[0].pk]


def test_a_full_batch_of_changes_asks_for_another_sweep(author):
    make_scheduled_updates(12, at=timezone.now() - timedelta(seconds=1), author=author)
    first = scheduling.publish_batch(batch_size=10)
    assert (first.published, first.more_due) == (10, True)
    assert scheduling.publish_due(batch_size=10) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_publish_each_scheduled_change_once(author):
    articles = make_scheduled_updates(30, at=timezone.now() - timedelta(seconds=1), author=author)
    counts = []
    start = threading.Barrier(3)

    def sweep():
        start.wait()
        try:
            counts.append(scheduling.publish_due(batch_size=4))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == len(articles)
    assert sorted(published_updates()) == sorted(article.pk for article in articles)
    assert not PendingVersion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_sweep_that_crashed_half_way_leaves_the_change_for_the_next_one(author, monkeypatch):
    (article,) = make_scheduled_updates(1, at=timezone.now() - timedelta(seconds=1), author=author)

    def crash(*args, **kwargs):
        raise ConnectionError("the worker's connection dropped half way")

    # After the article row is saved with the new content, before its revision is written.
    with monkeypatch.context() as patched:
        patched.setattr(revisions, "commit_content_change", crash)
        with pytest.raises(ConnectionError):
            scheduling.publish_due()

    article.refresh_from_db()
    assert article.body == READY_BODY  # the whole transaction was rolled back
    assert PendingVersion.objects.get(article=article).publish_at is not None
    assert scheduling.publish_due() == 1
    assert scheduling.publish_due() == 0
    article.refresh_from_db()
    assert article.body == "予約した変更 0"
    assert published_updates() == [article.pk]


def test_an_armed_sweep_waits_for_a_scheduled_change_too(author, settings):
    moment = timezone.now() + timedelta(seconds=5)
    make_scheduled_updates(1, at=moment, author=author)
    assert scheduling.moments_due_soon(settings.SWEEP_LOOKAHEAD) == [moment]
    assert scheduling.waiting_for(moment) is True
    assert scheduling.waiting_for(moment - timedelta(seconds=1)) is False
