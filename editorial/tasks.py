"""Celery tasks: thin wrappers that look up rows and call one function.

Notifications are rows written with the stage change that causes them
(``editorial/notifications.py``); ``send_notifications`` delivers whatever is
pending. It is queued after each commit that wrote some, runs periodically
(beat) for what a lost message or a dead broker left behind, and whenever a
worker (re)connects to the broker; so does the scheduler's sweep
(``allforces/celery.py``).
"""

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import emails, notifications, scheduling
from .models import Notification, Transition

# An armed sweep that could not run within this long is dropped; the
# periodic sweep covers its articles.
ARMED_SWEEP_GRACE = timedelta(minutes=1)
# How many messages one run sends before handing the rest to another run,
# so a burst is shared between workers and no task runs for minutes.
NOTIFICATIONS_PER_RUN = 200


@shared_task(
    name="editorial.send_notifications",
    # A mail server or database away for a while (a restart, a failover)
    # delays the messages, which stay pending: jittered backoff up to 1, 2,
    # 4 s …, and the periodic run behind that. See docs/reliability.md.
    autoretry_for=emails.RETRYABLE,
    retry_backoff=True,
    max_retries=10,
    ignore_result=True,
)
def send_notifications():
    delivered = notifications.deliver_pending(limit=NOTIFICATIONS_PER_RUN)
    if delivered.more:
        send_notifications.delay()
    return delivered.sent


# Messages queued by the version before the outbox name a transition; each
# writes that transition's rows (once: a row per person and transition) and
# sends them. Kept so an upgrade loses nothing left in the queue.
def _record_and_send(kind, transition_ids):
    for transition in Transition.objects.filter(pk__in=transition_ids).exclude(notifications__isnull=False):
        notifications.record(kind, [transition], actor=transition.actor)
    send_notifications.delay()


@shared_task(name="editorial.notify_editors_of_submission", ignore_result=True)
def notify_editors_of_submission(transition_id):
    _record_and_send(Notification.Kind.SUBMITTED, [transition_id])


@shared_task(name="editorial.notify_authors_of_changes_requested", ignore_result=True)
def notify_authors_of_changes_requested(transition_id):
    _record_and_send(Notification.Kind.CHANGES_REQUESTED, [transition_id])


@shared_task(name="editorial.notify_authors_of_publication", ignore_result=True)
def notify_authors_of_publication(transition_id):
    _record_and_send(Notification.Kind.PUBLISHED, [transition_id])


@shared_task(name="editorial.notify_authors_of_publications", ignore_result=True)
def notify_authors_of_publications(transition_ids):
    _record_and_send(Notification.Kind.PUBLISHED, transition_ids)


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


# The continuation generator (editorial/generation, docs/generation.md). Its
# modules are imported inside the tasks: they reach the workflow, which
# imports this module.


def queue_generation(article_id, countdown=0):
    """Ask the generator for ``article_id``'s next pass, if a generator is configured."""
    from .generation import config

    if config.current() is not None:
        generate_continuation.apply_async(args=(article_id,), countdown=countdown)


@shared_task(name="editorial.generate_continuation", ignore_result=True)
def generate_continuation(article_id, ticket=None, retries=0):
    """One pass for one article, then the next message: another pass, a wait for a
    person to finish, or a retry of what failed in transit (timeouts, 429, 5xx)
    with backoff. Each carries the ticket the lease names (editorial/generation/
    runner.py), so a copy of a message, or a run whose lease ran out, stops."""
    import random

    from .generation import client, config, runner

    try:
        step = runner.step(article_id, ticket=ticket, retries=retries)
    except client.Transient as error:
        settings_now = config.current()
        if settings_now is None or retries >= settings_now.max_retries:
            runner.give_up(article_id, error.ticket, error.detail, retries=retries)
            return
        backoff = min(settings_now.backoff_cap_seconds, 2 ** (retries + 1)) * random.uniform(0.5, 1.0)
        # An endpoint's Retry-After is taken up to the cap: a countdown near the broker's
        # visibility timeout (an hour on Redis) would have the message delivered twice.
        delay = (
            backoff if error.retry_after is None else min(error.retry_after, settings_now.backoff_cap_seconds)
        )
        runner.hold(article_id, error.ticket, delay + settings_now.timeout_seconds)
        generate_continuation.apply_async(args=(article_id, error.ticket, retries + 1), countdown=delay)
        return
    if step.again:
        generate_continuation.apply_async(args=(article_id, step.ticket), countdown=step.delay)


@shared_task(name="editorial.resume_generation", ignore_result=True)
def resume_generation():
    """Take up again the articles awaiting continuation that no run is working on:
    a lost message, a worker killed mid-request, a generator just configured."""
    from .generation import config, runner

    if config.current() is None:
        return 0
    waiting = runner.unattended_articles()
    for article_id in waiting:
        generate_continuation.delay(article_id)
    return len(waiting)
