"""Scheduled publishing: the database is the source of truth.

A sweep claims due articles (``FOR UPDATE SKIP LOCKED``, due by the
database clock) in batches and publishes each through ``workflow.publish``,
which re-checks the stage under the same lock; any number of sweeps may run
at once and each article still goes live once. For second-level precision
the sweep also arms short-countdown sweeps for the moments due before the
next periodic one; a duplicate armed sweep finds nothing left to do.

The same sweep publishes the scheduled updates of live articles (their pending
versions, ``editorial/pending_review.py``): it claims those articles' rows the
same way, and each update is applied and its pending row deleted in the
sweep's transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone

from articles.models import Article

from . import pending_review, workflow


@dataclass
class SweepResult:
    published: int  # articles and updates that went live
    more_due: bool


def due_articles():
    return Article.objects.filter(status=Article.Status.SCHEDULED, publish_at__lte=Now()).order_by(
        "publish_at", "pk"
    )


def publish_batch(*, batch_size: int | None = None, on_claimed=None) -> SweepResult:
    """Publish up to ``batch_size`` due articles, oldest publish time first.

    Rows another sweep holds are skipped, so concurrent sweeps share the work.
    ``on_claimed(full)`` runs once the rows are claimed, before publishing, so
    a sweep can hand the rest of a burst to another worker straight away.
    Up to ``batch_size`` due updates of live articles go live in the same batch.
    """
    batch_size = batch_size or settings.PUBLISH_BATCH_SIZE
    with transaction.atomic():
        claimed = list(
            due_articles().select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch_size]
        )
        # Only the article rows are locked, as every writer of a pending version locks them first.
        updates = list(
            pending_review.due_updates()
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:batch_size]
        )
        full = batch_size in (len(claimed), len(updates))
        if on_claimed is not None:
            on_claimed(full)
        published = workflow.publish_due_articles(claimed)
        published += pending_review.publish_due(updates)
    return SweepResult(published=published, more_due=full)


def publish_due(*, batch_size: int | None = None) -> int:
    """Publish everything due now, batch after batch; return how many went live."""
    total = 0
    while True:
        result = publish_batch(batch_size=batch_size)
        total += result.published
        if not result.more_due:
            return total


def waiting_for(moment: datetime) -> bool:
    """Whether articles or updates meant for ``moment`` are still scheduled (not yet due by the database clock)."""
    articles = Article.objects.filter(status=Article.Status.SCHEDULED, publish_at__lte=moment).exists()
    return articles or pending_review.waiting_for(moment)


def moments_due_soon(within: timedelta) -> list[datetime]:
    """The distinct publish times of articles and updates due within ``within`` from now."""
    now = timezone.now()
    soon = Article.objects.filter(
        status=Article.Status.SCHEDULED, publish_at__gt=now, publish_at__lte=now + within
    )
    updates = pending_review.moments_due_soon(now, now + within)
    return sorted(set(soon.values_list("publish_at", flat=True)) | updates)


def claim_arming(moment: datetime) -> bool:
    """True once per publish moment across all processes (a cache ``add``), so
    repeated sweeps and twin beats do not pile up armed tasks. If an armed
    task is lost anyway, the next periodic sweep publishes the article."""
    timeout = int(settings.SWEEP_LOOKAHEAD.total_seconds() * 3)
    return cache.add(f"editorial:armed:{moment.timestamp():.6f}", True, timeout=timeout)
