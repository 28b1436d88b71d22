"""Notifications: rows written with the stage change, each e-mailed once, and
one message that cannot be built or sent never stops the others.

Sent through Django's locmem backend; each failure below is a row saved before
the rule that now refuses it (written with a queryset update), not a mock.
"""

import logging
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article
from editorial import emails, notifications, tasks, workflow
from editorial.models import Notification, Transition
from tests.factories import make_article, make_scheduled_articles

pytestmark = pytest.mark.django_db

S = Article.Status
Email = Notification.Email


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def publish_batch(writer, other_writer, count=5):
    """``count`` articles by both writers, put live by the scheduler's batch verb."""
    articles = make_scheduled_articles(
        count, at=timezone.now() + timedelta(hours=1), author=writer.author_profile
    )
    for article in articles:
        article.article_authors.create(author=other_writer.author_profile, position=1)
    ids = [article.pk for article in articles]
    Article.objects.filter(pk__in=ids).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert workflow.publish_due_articles(ids) == count
    return Article.objects.filter(pk__in=ids).order_by("pk")


def statuses():
    return sorted(Notification.objects.values_list("email_status", flat=True))


def test_the_batch_verb_writes_a_row_per_author_and_article_before_anything_is_sent(writer, other_writer):
    articles = publish_batch(writer, other_writer, count=3)
    rows = Notification.objects.values_list("article", "recipient", "kind", "email_status")
    expected = {
        (article.pk, user.pk, Notification.Kind.PUBLISHED, Email.PENDING)
        for article in articles
        for user in (writer, other_writer)
    }
    assert set(rows) == expected and len(rows) == 6
    assert mail.outbox == []


def test_each_pending_row_is_sent_once_however_often_the_sender_runs(writer, other_writer):
    publish_batch(writer, other_writer, count=3)
    assert tasks.send_notifications() == 6
    assert tasks.send_notifications() == 0
    assert len(mail.outbox) == 6
    assert statuses() == [Email.SENT] * 6
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_an_article_whose_address_cannot_be_built_does_not_stop_its_batch(writer, other_writer, caplog):
    articles = publish_batch(writer, other_writer)
    broken = articles[2]
    Article.objects.filter(pk=broken.pk).update(slug="")
    with caplog.at_level(logging.ERROR, logger="editorial.emails"):
        tasks.send_notifications()
    subjects = sorted(message.subject for message in mail.outbox)
    others = [article for article in articles if article.pk != broken.pk]
    assert subjects == sorted(f"[ALLFORCES] 公開されました: {a.title}" for a in others for _ in range(2))
    failed = Notification.objects.filter(email_status=Email.FAILED)
    assert sorted(failed.values_list("article", flat=True)) == [broken.pk, broken.pk]
    assert all(row.email_error.startswith("メールを組み立てられませんでした") for row in failed)
    assert f"published: article {broken.pk}: message not built" in caplog.text


def test_a_message_refused_by_the_backend_does_not_stop_the_other_recipients(writer, other_writer, caplog):
    publish_batch(writer, other_writer, count=1)
    get_user_model().objects.filter(pk=writer.pk).update(email="writer@example.jp\nBcc: x@example.com")
    with caplog.at_level(logging.ERROR, logger="editorial.emails"):
        tasks.send_notifications()
    assert [message.to for message in mail.outbox] == [[other_writer.email]]
    assert Notification.objects.get(recipient=writer).email_status == Email.FAILED
    assert "not sent to 'writer@example.jp\\nBcc: x@example.com'" in caplog.text


def test_a_title_saved_with_a_line_break_still_makes_a_one_line_subject(writer, other_writer):
    (article,) = publish_batch(writer, other_writer, count=1)
    Article.objects.filter(pk=article.pk).update(title="見出し\nBcc: x@example.com\x1b")
    assert tasks.send_notifications() == 2
    assert {message.subject for message in mail.outbox} == {
        "[ALLFORCES] 公開されました: 見出しBcc: x@example.com"
    }
    assert all(message.recipients() == message.to for message in mail.outbox)


def test_a_mail_server_that_is_away_leaves_every_row_pending_for_the_next_run(writer, other_writer, settings):
    publish_batch(writer, other_writer, count=2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with pytest.raises(emails.RETRYABLE):
        notifications.deliver_pending()
    assert statuses() == [Email.PENDING] * 4
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_notifications() == 4
    assert len(mail.outbox) == 4


def test_the_one_who_acted_is_not_told_and_a_person_without_an_address_keeps_the_row(
    writer, other_writer, editor, ready_article
):
    ready_article.article_authors.create(author=other_writer.author_profile, position=1)
    get_user_model().objects.filter(pk=other_writer.pk).update(email="")
    workflow.submit(ready_article, by=writer)
    workflow.request_changes(ready_article, by=editor, comment="出典を追記してください。")
    rows = Notification.objects.order_by("pk").values_list("kind", "recipient", "email_status")
    assert list(rows) == [
        (Notification.Kind.SUBMITTED, editor.pk, Email.PENDING),
        (Notification.Kind.CHANGES_REQUESTED, writer.pk, Email.PENDING),
        (Notification.Kind.CHANGES_REQUESTED, other_writer.pk, Email.NONE),
    ]
    tasks.send_notifications()
    assert sorted((message.to[0], message.subject) for message in mail.outbox) == [
        ("editor@example.jp", "[ALLFORCES] レビュー依頼: 推論モデルの台頭"),
        ("writer@example.jp", "[ALLFORCES] 差し戻し: 推論モデルの台頭"),
    ]
    assert "出典を追記してください。" in next(m.body for m in mail.outbox if "差し戻し" in m.subject)


def test_a_stage_change_that_rolls_back_leaves_no_notification(writer, editor, ready_article):
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.submit(ready_article, by=writer)
        assert Notification.objects.exists()
        raise RuntimeError("the request failed after the verb")
    assert not Notification.objects.exists()
    assert not Transition.objects.exists()


def test_a_message_queued_before_the_outbox_is_still_delivered_once(writer, other_writer):
    article = make_article(title="旧形式の通知", authors=[writer.author_profile], published=True)
    transition = Transition.objects.create(article=article, from_status=S.SCHEDULED, to_status=S.PUBLISHED)
    tasks.notify_authors_of_publications([transition.pk])
    tasks.notify_authors_of_publications([transition.pk])  # redelivered
    tasks.send_notifications()
    assert [message.to for message in mail.outbox] == [[writer.email]]


@pytest.mark.django_db(transaction=True)
def test_senders_running_at_once_send_each_message_once(writer, other_writer, settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL")
    publish_batch(writer, other_writer, count=20)
    sent = []
    lock = threading.Lock()

    def sender():
        try:
            start.wait()
            delivered = notifications.deliver_pending()
            with lock:
                sent.append(delivered.sent)
        finally:
            connection.close()

    start = threading.Event()
    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent) == 40
    assert len(mail.outbox) == 40
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 40
    assert statuses() == [Email.SENT] * 40


def test_an_approval_for_later_is_shown_in_the_admin_and_not_e_mailed(
    writer, editor, ready_article, django_capture_on_commit_callbacks
):
    workflow.submit(ready_article, by=writer)
    tasks.send_notifications()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.approve(ready_article, by=editor, publish_at=timezone.now() + timedelta(days=1))
    row = Notification.objects.get(kind=Notification.Kind.APPROVED)
    assert (row.recipient, row.email_status) == (writer, Email.IN_APP)
    assert not [c for c in callbacks if "send_notifications" in repr(c)]
    assert tasks.send_notifications() == 0
    assert [m.subject for m in mail.outbox] == ["[ALLFORCES] レビュー依頼: 推論モデルの台頭"]
