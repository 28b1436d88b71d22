"""The notification outbox: who is told of a workflow event, and its delivery.

``record`` runs inside the transaction of the stage change, so the rows
exist exactly when the change does: a broker that dies as the transaction
commits cannot lose them. ``deliver_pending`` e-mails the pending rows one
at a time, each under its own row lock taken ``SKIP LOCKED``: any number of
senders (the task queued after the commit, the periodic sweep, one started
when a worker reconnects) may run at once and each message goes once. A
sender killed mid-message leaves its row pending (PostgreSQL drops the lock
with the connection), so the next sender sends it; the only message that can
go twice is one the mail server accepted in the instant before its row was
marked sent.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from articles.models import ArticleAuthor

from . import emails
from .models import Notification
from .roles import editors

logger = logging.getLogger(__name__)

Kind = Notification.Kind


def _editors(article_ids):
    people = list(editors().values_list("pk", "email"))
    return dict.fromkeys(article_ids, people)


def _authors(article_ids):
    links = ArticleAuthor.objects.filter(
        article_id__in=article_ids, author__user__isnull=False, author__user__is_active=True
    ).values_list("article_id", "author__user_id", "author__user__email")
    people = defaultdict(list)
    for article_id, user_id, address in links:
        people[article_id].append((user_id, address))
    return people


WHO_IS_TOLD = {
    Kind.SUBMITTED: _editors,
    Kind.CHANGES_REQUESTED: _authors,
    Kind.APPROVED: _authors,
    Kind.PUBLISHED: _authors,
}


# News shown in the admin only. An approval for later is followed by the
# "published" e-mail when the article goes live; one message a step is enough.
# A comment is read beside the text, where the writer works; only being named
# in one (@mention) is worth an e-mail.
IN_APP_ONLY = {Kind.APPROVED, Kind.COMMENTED}


def _email_status(kind, address):
    if kind in IN_APP_ONLY:
        return Notification.Email.IN_APP
    return Notification.Email.PENDING if address else Notification.Email.NONE


def record(kind, transitions, *, actor=None, text=""):
    """Write the notifications ``kind`` of ``transitions`` call for; the one
    who acted is not told of their own act. Everyone told gets a row, which
    the admin shows them, whether or not it is e-mailed. Call inside the
    transition's transaction; return the rows."""
    transitions = list(transitions)
    people = WHO_IS_TOLD[kind]({transition.article_id for transition in transitions})
    actor_id = actor.pk if actor is not None else None
    rows = [
        Notification(
            recipient_id=user_id,
            kind=kind,
            article_id=transition.article_id,
            transition=transition,
            text=text,
            email_status=_email_status(kind, address),
        )
        for transition in transitions
        for user_id, address in dict(people.get(transition.article_id, ())).items()
        if user_id != actor_id
    ]
    return Notification.objects.bulk_create(rows)


def record_event(kind, article, *, recipients, actor=None, text="", comment=None):
    """Write ``kind`` notifications of something that is not a stage change (a
    comment, a mention, a change to a live article sent to review) for the users
    ``recipients``; the one who acted is not told of their own act. Call inside
    the event's transaction; return the rows."""
    actor_id = actor.pk if actor is not None else None
    rows = [
        Notification(
            recipient_id=user.pk,
            kind=kind,
            article_id=article.pk,
            actor_id=actor_id,
            text=text,
            comment=comment,
            email_status=_email_status(kind, user.email),
        )
        for user in {user.pk: user for user in recipients}.values()
        if user.pk != actor_id and user.is_active
    ]
    return Notification.objects.bulk_create(rows)


@dataclass
class Delivered:
    sent: int = 0
    failed: int = 0
    more: bool = False


def _next_pending():
    """The oldest pending row no other sender holds, locked until the transaction ends."""
    return (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "article", "transition")
        .filter(email_status=Notification.Email.PENDING)
        .order_by("pk")
        .first()
    )


def _deliver_one(connection):
    """Send the next pending message and mark it; None when there is none.

    A mail server that is away (``emails.RETRYABLE``) is raised: the row is
    left pending and the caller tries again later.
    """
    with transaction.atomic():
        notification = _next_pending()
        if notification is None:
            return None
        recipient = notification.recipient
        if not (recipient.is_active and recipient.email):
            outcome, error = Notification.Email.NONE, ""
        else:
            error = emails.send_notification(notification, connection)
            outcome = Notification.Email.FAILED if error else Notification.Email.SENT
        Notification.objects.filter(pk=notification.pk).update(
            email_status=outcome,
            emailed_at=timezone.now() if outcome == Notification.Email.SENT else None,
            email_error=error,
        )
        return outcome


def deliver_pending(limit=500) -> Delivered:
    """E-mail up to ``limit`` pending notifications; ``more`` if some may remain."""
    delivered = Delivered()
    if not Notification.objects.filter(email_status=Notification.Email.PENDING).exists():
        return delivered  # the periodic sweep's usual case: no connection to the mail server
    with get_connection() as connection:
        for _ in range(limit):
            outcome = _deliver_one(connection)
            if outcome is None:
                return delivered
            delivered.sent += outcome == Notification.Email.SENT
            delivered.failed += outcome == Notification.Email.FAILED
    delivered.more = True
    return delivered
