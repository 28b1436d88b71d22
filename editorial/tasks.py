"""Celery tasks: thin wrappers that look up rows and call one function.

Notifications take the id of the transition that caused them, so each email
describes exactly that event; a missing row means there is nothing to do.
They are queued only after the transaction commits (``workflow._after_commit``).
A sweep also runs whenever a worker (re)connects to the broker and when beat
starts (``allforces/celery.py``).
"""

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import emails, scheduling
from .models import Transition

# An armed sweep that could not run within this long is dropped; the
# periodic sweep covers its articles.
ARMED_SWEEP_GRACE = timedelta(minutes=1)
# A mail server or database that is away for a while (a restart, a failover)
# delays the emails instead of dropping them (jittered backoff up to 1, 2,
# 4 s …, at most about a quarter of an hour in all). A pool process killed
# mid-send gives its message back to the queue (acks_late with
# reject_on_worker_lost), so the batch is sent again in full: an author may
# get an email twice rather than miss it. See docs/reliability.md.
EMAIL_DELIVERY = {
    "autoretry_for": emails.RETRYABLE,
    "retry_backoff": True,
    "max_retries": 10,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


def _transition(transition_id):
    return Transition.objects.select_related("article").filter(pk=transition_id).first()


@shared_task(name="editorial.notify_editors_of_submission", **EMAIL_DELIVERY)
def notify_editors_of_submission(transition_id):
    if transition := _transition(transition_id):
        emails.send_submitted(transition.article)


@shared_task(name="editorial.notify_authors_of_changes_requested", **EMAIL_DELIVERY)
def notify_authors_of_changes_requested(transition_id):
    if transition := _transition(transition_id):
        emails.send_changes_requested(transition.article, transition.comment)


@shared_task(name="editorial.notify_authors_of_publication", **EMAIL_DELIVERY)
def notify_authors_of_publication(transition_id):
    if transition := _transition(transition_id):
        emails.send_published(transition.article)


@shared_task(name="editorial.notify_authors_of_publications", **EMAIL_DELIVERY)
def notify_authors_of_publications(transition_ids):
    """One message for a batch the scheduler published; an email per article."""
    transitions = Transition.objects.select_related("article").filter(pk__in=transition_ids)
    emails.send_published_batch(transition.article for transition in transitions)


@shared_task(name="editorial.sweep_due_articles", acks_late=True, ignore_result=True)
def sweep_due_articles(armed_for=None):
    """Publish one batch of due articles, hand the rest to another sweep, and
    arm sweeps for the moments due before the next periodic one.

    An armed sweep (``armed_for``, an ISO time) that wakes a little before
    its moment by the database's clock looks again shortly after, so clock
    skew between hosts costs milliseconds, not a sweep interval.
    """

    def hand_on_the_rest(full):
        if full:
            sweep_due_articles.delay()

    result = scheduling.publish_batch(on_claimed=hand_on_the_rest)
    if armed_for is not None and not result.more_due:
        moment = datetime.fromisoformat(armed_for)
        if scheduling.waiting_for(moment) and timezone.now() < moment + ARMED_SWEEP_GRACE:
            sweep_due_articles.apply_async(
                args=(armed_for,), countdown=0.05, expires=moment + ARMED_SWEEP_GRACE
            )
    arm_sweeps(scheduling.moments_due_soon(settings.SWEEP_LOOKAHEAD))
    return result.published


def arm_sweeps(moments):
    """Queue a sweep to run at each of ``moments`` (once per moment)."""
    if not settings.SCHEDULE_ARMING:
        return
    for moment in moments:
        if scheduling.claim_arming(moment):
            sweep_due_articles.apply_async(
                args=(moment.isoformat(),), eta=moment, expires=moment + ARMED_SWEEP_GRACE
            )


def arm_if_soon(moment):
    """Arm a sweep for ``moment`` if it falls before the next periodic sweep."""
    if moment is not None and moment - timezone.now() <= settings.SWEEP_LOOKAHEAD:
        arm_sweeps([moment])
