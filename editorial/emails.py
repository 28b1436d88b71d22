"""The e-mail for one notification, built from the article as it is when sent.

A message that cannot be built or is refused (an article whose address cannot
be made, a stored address with a line break) is logged and its reason
returned, and the sender goes on with the others. A mail server or database
that is away (``RETRYABLE``) is raised instead, so the row stays pending and
is tried again.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from articles.links import absolute_url
from articles.validators import strip_control_characters

from .models import Notification

logger = logging.getLogger(__name__)

RETRYABLE = (OSError, OperationalError, InterfaceError)

Kind = Notification.Kind


def _subject(prefix, article):
    # A title saved before line breaks were refused must not end the header.
    return f"[ALLFORCES] {prefix}: {strip_control_characters(article.title, keep='')}"


def _admin_url(article):
    return absolute_url(reverse("admin:articles_article_change", args=[article.pk]))


def _by(notification):
    # The person as the office names them (姓 名), never their login id.
    return notification.actor_label


def _submitted(notification):
    article = notification.article
    return (
        _subject("レビュー依頼", article),
        f"「{article.title}」が {_by(notification)} さんによってレビューに提出されました。\n\n"
        f"{_admin_url(article)}\n",
    )


def _changes_requested(notification):
    article = notification.article
    # Without a stage change it is a change to the live article that was sent back, not the article.
    what = "の未公開の変更" if notification.transition_id is None else ""
    return (
        _subject("差し戻し", article),
        f"「{article.title}」{what}が {_by(notification)} さんによって差し戻されました。\n\n編集者のコメント:\n"
        f"{notification.message}\n\n{_admin_url(article)}\n",
    )


def _published(notification):
    article = notification.article
    by_the_scheduler = (
        notification.transition.actor_id is None
        if notification.transition_id is not None
        else notification.actor_id is None
    )
    by = "公開予定日時になり自動で" if by_the_scheduler else f"{_by(notification)} さんが"
    # A change to a live article says so (its notification's text); a first publication needs no more.
    what = "への変更" if notification.transition_id is None else ""
    return (
        _subject("公開されました", article),
        f"「{article.title}」{what}を{by}公開しました。\n\n{absolute_url(article.get_absolute_url())}\n",
    )


def _update_submitted(notification):
    article = notification.article
    note = f"\n\nコメント:\n{notification.message}" if notification.message else ""
    return (
        _subject("変更のレビュー依頼", article),
        f"公開中の「{article.title}」の未公開の変更が {_by(notification)} さんからレビューに出されました。"
        f"{note}\n\n{_admin_url(article)}\n",
    )


def _mentioned(notification):
    article = notification.article
    return (
        _subject("コメントで名前が挙がりました", article),
        f"「{article.title}」へのコメントで {_by(notification)} さんがあなたの名前を挙げました。\n\n"
        f"{notification.message}\n\n{_admin_url(article)}\n",
    )


COMPOSE = {
    Kind.SUBMITTED: _submitted,
    Kind.UPDATE_SUBMITTED: _update_submitted,
    Kind.MENTIONED: _mentioned,
    Kind.CHANGES_REQUESTED: _changes_requested,
    Kind.PUBLISHED: _published,
}


def send_notification(notification, connection) -> str:
    """E-mail ``notification`` to its recipient over ``connection``; return
    why it could not be sent, or "" once the mail server took it."""
    where = f"{notification.kind}: article {notification.article_id}"
    try:
        subject, body = COMPOSE[notification.kind](notification)
    except Exception as error:
        logger.exception("%s: message not built for user %s", where, notification.recipient_id)
        return f"メールを組み立てられませんでした: {error!r}"
    address = notification.recipient.email
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        logger.exception("%s: address %r refused", where, address)
        return f"メールサーバーが宛先を拒否しました: {error!r}"
    except RETRYABLE:
        raise
    except Exception as error:
        logger.exception("%s: not sent to %r", where, address)
        return f"送信できませんでした: {error!r}"
    return ""
