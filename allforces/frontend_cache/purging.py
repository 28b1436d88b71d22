"""Purging after a change: recorded with it, sent after the commit, retried until every cache has it."""

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .keys import clean_keys
from .models import PendingPurge
from .purgers import configured_purgers

logger = logging.getLogger(__name__)

PURGE_TASK = "allforces.purge_frontend_keys"
# A batch nobody has tried this long after it was queued lost its message (the
# broker was down at the commit, or lost its queue): the sweep sends it again.
QUEUED_GRACE = timedelta(minutes=5)
# Longer than the task's longest wait between retries (RETRY_BACKOFF_MAX in
# tasks.py), so a batch that is still being retried is never sent twice.
RETRY_SILENCE = timedelta(minutes=15)


def purge_after_commit(keys: Iterable[str]) -> int | None:
    """Drop ``keys`` from every configured front-end cache once the current transaction commits.

    The keys are written in the caller's transaction (a rollback forgets them);
    after the commit a Celery task purges them with each purger in
    FRONTEND_CACHE_PURGERS order, retrying until all have. Nothing after the
    write reaches the caller: a broker that is down at the commit is logged and
    the sweep sends the batch later. Outside a transaction the task is queued
    at once. Returns the batch's id; a key no cache can carry raises
    ValueError; with no purger configured nothing is written (None).
    """
    keys = clean_keys(keys)
    if not keys or not settings.FRONTEND_CACHE_PURGERS:
        return None
    batch = PendingPurge.objects.create(keys=keys)
    queue = partial(_queue, batch.pk)
    # Django names a failed robust callback by its __qualname__, which a partial lacks.
    queue.__qualname__ = "frontend_cache._queue"
    transaction.on_commit(queue, robust=True)
    return batch.pk


def _queue(batch_id: int) -> bool:
    try:
        current_app.send_task(PURGE_TASK, args=(batch_id,))
    except Exception:  # kombu raises the transport's own errors; the batch waits in the database
        logger.warning(
            "フロントエンドキャッシュのパージを依頼できませんでした（あとで再送します）",
            extra={"batch_id": batch_id},
            exc_info=True,
        )
        return False
    return True


def purge_batch(batch_id: int) -> None:
    """Purge one recorded batch with each configured purger in order, then forget it.

    Purgers that succeed are noted on the row, so a retry resumes at the first
    that failed, and a CDN is never purged before the Varnish behind it (it
    would fetch the stale copy again). A failure is recorded and raised:
    PurgeUnavailable for the task to retry, anything else for the sweep to send
    again later. A batch that is gone was purged already.
    """
    batch = PendingPurge.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    for purger in configured_purgers():
        if purger.name in batch.purged_by:
            continue
        try:
            purger.purge(batch.keys)
        except Exception as error:
            PendingPurge.objects.filter(pk=batch.pk).update(
                attempts=F("attempts") + 1, touched_at=timezone.now(), last_error=str(error)[:2000]
            )
            raise
        batch.purged_by.append(purger.name)
        PendingPurge.objects.filter(pk=batch.pk).update(purged_by=batch.purged_by, touched_at=timezone.now())
    PendingPurge.objects.filter(pk=batch.pk).delete()
    logger.info(
        "フロントエンドキャッシュをパージしました",
        extra={
            "batch_id": batch.pk,
            "keys": batch.keys[:50],
            "purgers": batch.purged_by,
            "seconds_after_change": round((timezone.now() - batch.created_at).total_seconds(), 3),
        },
    )


def stale_batches(*, now=None):
    """Batches whose task was lost: queued long ago and never tried, or silent longer than any retry waits."""
    now = now or timezone.now()
    return PendingPurge.objects.filter(
        Q(attempts=0, touched_at__lt=now - QUEUED_GRACE)
        | Q(attempts__gt=0, touched_at__lt=now - RETRY_SILENCE)
    )


def requeue_stale(*, now=None) -> int:
    """Send the task again for every stale batch (the periodic sweep; safe to run twice). Returns how many."""
    now = now or timezone.now()
    sent = 0
    for batch_id in stale_batches(now=now).values_list("pk", flat=True):
        if _queue(batch_id):
            PendingPurge.objects.filter(pk=batch_id).update(touched_at=now)
            sent += 1
    if sent:
        logger.warning("止まっていたフロントエンドキャッシュのパージを再送しました", extra={"batches": sent})
    return sent


def oldest_pending_age(*, now=None) -> timedelta | None:
    """How long the oldest batch not yet purged has waited, or None when none waits."""
    oldest = PendingPurge.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return None if oldest is None else (now or timezone.now()) - oldest
