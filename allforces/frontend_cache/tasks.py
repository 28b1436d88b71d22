"""Celery tasks of the front-end cache: thin, each calls one function of purging.py."""

from celery import shared_task

from . import purging
from .purgers import PurgeUnavailable

# A cache or API that is away (a restart, an outage, rate limits) delays the
# purge instead of dropping it: jittered waits doubling from 2 s up to 10 min,
# retried for days. Past that, or after a refusal, the row stays and the sweep
# sends it again every RETRY_SILENCE; /readyz reports the backlog meanwhile.
RETRY_BACKOFF_MAX = 600


@shared_task(
    name=purging.PURGE_TASK,
    autoretry_for=(PurgeUnavailable,),
    retry_backoff=2,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=1000,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def purge_frontend_keys(batch_id):
    purging.purge_batch(batch_id)


@shared_task(name="allforces.requeue_frontend_purges", ignore_result=True)
def requeue_frontend_purges():
    purging.requeue_stale()
