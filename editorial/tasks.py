"""Celery tasks: thin wrappers that look up rows and call one function.

Notifications take the id of the transition that caused them, so each email
describes exactly that event; a missing row means there is nothing to do.
They are queued only after the transaction commits (``delay_on_commit``).
"""

from celery import shared_task

from . import emails
from .models import Transition

EMAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def _transition(transition_id):
    return Transition.objects.select_related("article").filter(pk=transition_id).first()


@shared_task(name="editorial.notify_editors_of_submission", **EMAIL_RETRY)
def notify_editors_of_submission(transition_id):
    if transition := _transition(transition_id):
        emails.send_submitted(transition.article)


@shared_task(name="editorial.notify_authors_of_changes_requested", **EMAIL_RETRY)
def notify_authors_of_changes_requested(transition_id):
    if transition := _transition(transition_id):
        emails.send_changes_requested(transition.article, transition.comment)


@shared_task(name="editorial.notify_authors_of_publication", **EMAIL_RETRY)
def notify_authors_of_publication(transition_id):
    if transition := _transition(transition_id):
        emails.send_published(transition.article)
