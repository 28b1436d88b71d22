"""Notifications: one message that cannot be built or sent never stops the others.

Sent through Django's locmem backend; each failure below is a row saved before
the rule that now refuses it (written with a queryset update), not a mock.
"""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from articles.models import Article
from editorial import emails, tasks
from editorial.models import Transition
from tests.factories import make_article

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def published_batch(writer, other_writer, count=5):
    authors = [writer.author_profile, other_writer.author_profile]
    articles = [make_article(title=f"記事{n}", authors=authors, published=True) for n in range(count)]
    return [
        Transition.objects.create(article=article, from_status=S.SCHEDULED, to_status=S.PUBLISHED)
        for article in articles
    ]


def test_an_article_whose_address_cannot_be_built_does_not_stop_its_batch(writer, other_writer, caplog):
    transitions = published_batch(writer, other_writer)
    broken = transitions[2].article
    Article.objects.filter(pk=broken.pk).update(slug="")
    with caplog.at_level(logging.ERROR, logger="editorial.emails"):
        tasks.notify_authors_of_publications([transition.pk for transition in transitions])
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == sorted(f"[ALLFORCES] 公開されました: 記事{n}" for n in (0, 1, 3, 4) for _ in range(2))
    assert f"article {broken.pk}: message not built; 2 not sent" in caplog.text


def test_a_batch_counts_what_was_sent_and_what_was_not(writer, other_writer, caplog):
    transitions = published_batch(writer, other_writer, count=3)
    Article.objects.filter(pk=transitions[0].article.pk).update(slug="")
    with caplog.at_level(logging.WARNING, logger="editorial.emails"):
        delivery = emails.send_published_batch(
            Article.objects.filter(pk__in=[t.article_id for t in transitions])
        )
    assert delivery == emails.Delivery(sent=4, failed=2)
    assert "published batch: 4 sent, 2 not sent" in caplog.text


def test_a_message_refused_by_the_backend_does_not_stop_the_other_recipients(writer, other_writer, caplog):
    (transition,) = published_batch(writer, other_writer, count=1)
    get_user_model().objects.filter(pk=writer.pk).update(email="writer@example.jp\nBcc: x@example.com")
    with caplog.at_level(logging.ERROR, logger="editorial.emails"):
        delivery = emails.send_published(transition.article)
    assert [message.to for message in mail.outbox] == [[other_writer.email]]
    assert delivery == emails.Delivery(sent=1, failed=1)
    assert "not sent to 'writer@example.jp\\nBcc: x@example.com'" in caplog.text


def test_a_title_saved_with_a_line_break_still_makes_a_one_line_subject(writer, other_writer):
    (transition,) = published_batch(writer, other_writer, count=1)
    Article.objects.filter(pk=transition.article.pk).update(title="見出し\nBcc: x@example.com\x1b")
    transition.article.refresh_from_db()
    assert emails.send_published(transition.article) == emails.Delivery(sent=2)
    assert {message.subject for message in mail.outbox} == {
        "[ALLFORCES] 公開されました: 見出しBcc: x@example.com"
    }
    assert all(message.recipients() == message.to for message in mail.outbox)


def test_a_mail_server_that_is_away_is_raised_so_the_task_tries_again(writer, other_writer, settings):
    (transition,) = published_batch(writer, other_writer, count=1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with pytest.raises(emails.RETRYABLE):
        emails.send_published(transition.article)
