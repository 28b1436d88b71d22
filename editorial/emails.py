"""The emails the workflow sends, built from the article as it is when sent.

Each message is sent on its own: one that cannot be built or is refused (an
article whose address cannot be made, a stored address with a line break)
is logged and counted, and the others still go. A mail server or database
that is away (``RETRYABLE``) is raised instead, so the task tries again.
"""

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.urls import reverse

from articles.validators import strip_control_characters

from .roles import REVIEW_PERMISSION

logger = logging.getLogger(__name__)

RETRYABLE = (OSError, OperationalError, InterfaceError)


@dataclass
class Delivery:
    """How many messages went, and how many could not (each one logged)."""

    sent: int = 0
    failed: int = 0

    def __add__(self, other):
        return Delivery(self.sent + other.sent, self.failed + other.failed)


def _admin_url(article):
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def _subject(prefix, article):
    # A title saved before line breaks were refused must not end the header.
    return f"[ALLFORCES] {prefix}: {strip_control_characters(article.title, keep='')}"


def editor_addresses():
    app_label, codename = REVIEW_PERMISSION.split(".")
    granted = Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
    )
    granted |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    users = get_user_model().objects.filter(is_active=True).filter(granted | Q(is_superuser=True))
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def author_addresses(article):
    links = article.article_authors.select_related("author__user")
    return sorted(
        {
            link.author.user.email
            for link in links
            if link.author.user and link.author.user.is_active and link.author.user.email
        }
    )


def _notify(kind, article, compose, recipients) -> Delivery:
    """Build the message ``compose`` describes and send a copy to each of ``recipients``."""
    if not recipients:
        return Delivery()
    try:
        subject, body = compose()
    except Exception:
        logger.exception("%s: article %s: message not built; %d not sent", kind, article.pk, len(recipients))
        return Delivery(failed=len(recipients))
    delivery = Delivery()
    with get_connection() as connection:
        for address in recipients:
            message = EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection
            )
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused:
                logger.exception("%s: article %s: address %r refused", kind, article.pk, address)
                delivery.failed += 1
            except RETRYABLE:
                raise
            except Exception:
                logger.exception("%s: article %s: not sent to %r", kind, article.pk, address)
                delivery.failed += 1
            else:
                delivery.sent += 1
    return delivery


def send_submitted(article) -> Delivery:
    return _notify(
        "submitted",
        article,
        lambda: (
            _subject("レビュー依頼", article),
            f"「{article.title}」がレビューに提出されました。\n\n{_admin_url(article)}\n",
        ),
        editor_addresses(),
    )


def send_changes_requested(article, comment) -> Delivery:
    return _notify(
        "changes requested",
        article,
        lambda: (
            _subject("差し戻し", article),
            f"「{article.title}」が差し戻されました。\n\n編集者のコメント:\n{comment}\n\n{_admin_url(article)}\n",
        ),
        author_addresses(article),
    )


def send_published(article) -> Delivery:
    return _notify(
        "published",
        article,
        lambda: (
            _subject("公開されました", article),
            f"「{article.title}」が公開されました。\n\n{settings.SITE_URL + article.get_absolute_url()}\n",
        ),
        author_addresses(article),
    )


def send_published_batch(articles) -> Delivery:
    """The authors of each of ``articles`` (a batch the scheduler published) told
    it is out; an article whose messages fail does not stop the others'."""
    delivery = Delivery()
    for article in articles:
        delivery += send_published(article)
    if delivery.failed:
        logger.warning("published batch: %d sent, %d not sent", delivery.sent, delivery.failed)
    return delivery
