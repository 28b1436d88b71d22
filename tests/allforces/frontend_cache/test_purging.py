"""Purges are recorded with the change, queued after the commit, sent in purger order and
resumed where they failed; batches whose task was lost are found by the sweep."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from allforces.frontend_cache import purging, tasks
from allforces.frontend_cache.models import PendingPurge
from allforces.frontend_cache.purgers import PurgeUnavailable

from .servers import Answer

pytestmark = pytest.mark.django_db


def test_the_keys_are_recorded_with_the_change(purge_to):
    batch_id = purging.purge_after_commit(["home", "article-12", "home"])
    assert PendingPurge.objects.get(pk=batch_id).keys == ["article-12", "home"]


def test_a_rolled_back_change_forgets_its_keys(purge_to):
    with pytest.raises(RuntimeError), transaction.atomic():
        purging.purge_after_commit(["article-12"])
        raise RuntimeError("the change fails")
    assert not PendingPurge.objects.exists()


def test_the_task_is_queued_only_after_the_commit(purge_to, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        purging.purge_after_commit(["article-12"])
    assert len(callbacks) == 1


def test_nothing_is_recorded_when_no_purger_is_configured(settings, django_capture_on_commit_callbacks):
    settings.FRONTEND_CACHE_PURGERS = []
    with django_capture_on_commit_callbacks() as callbacks:
        assert purging.purge_after_commit(["article-12"]) is None
    assert callbacks == []
    assert not PendingPurge.objects.exists()


@pytest.mark.parametrize("keys", ["home", ["Article-12"], ["article 12"], ["a,b"], [""], ["x" * 129]])
def test_a_key_no_cache_can_carry_is_refused(purge_to, keys):
    with pytest.raises(ValueError):
        purging.purge_after_commit(keys)


def test_every_purger_purges_in_order_then_the_batch_is_forgotten(
    purge_to, varnish_api, cloudflare_api, caplog
):
    caplog.set_level("INFO", logger="allforces.frontend_cache.purging")
    batch_id = purging.purge_after_commit(["article-12", "home"])
    purging.purge_batch(batch_id)
    assert [request.headers["xkey-purge"] for request in varnish_api.received] == ["article-12 home"]
    assert [json.loads(request.body) for request in cloudflare_api.received] == [
        {"tags": ["article-12", "home"]}
    ]
    assert not PendingPurge.objects.exists()
    (record,) = caplog.records
    assert (record.batch_id, record.purgers) == (batch_id, ["varnish", "cloudflare"])


def test_a_retry_resumes_at_the_purger_that_failed(purge_to, varnish_api, cloudflare_api):
    cloudflare_api.answer_next(Answer(500, body=b"upstream down"))
    batch_id = purging.purge_after_commit(["article-12"])
    with pytest.raises(PurgeUnavailable):
        purging.purge_batch(batch_id)
    batch = PendingPurge.objects.get(pk=batch_id)
    assert (batch.purged_by, batch.attempts) == (["varnish"], 1)
    assert "500" in batch.last_error

    purging.purge_batch(batch_id)
    assert (len(varnish_api.received), len(cloudflare_api.received)) == (1, 2)
    assert not PendingPurge.objects.exists()


def test_a_cdn_is_not_purged_while_the_varnish_behind_it_still_holds_the_page(
    purge_to, varnish_api, cloudflare_api
):
    varnish_api.answer_next(Answer(503))
    batch_id = purging.purge_after_commit(["article-12"])
    with pytest.raises(PurgeUnavailable):
        purging.purge_batch(batch_id)
    assert cloudflare_api.received == []
    assert PendingPurge.objects.get(pk=batch_id).purged_by == []


def test_a_batch_that_is_gone_was_purged_already(purge_to, varnish_api):
    purging.purge_batch(123456789)
    assert varnish_api.received == []


def test_the_sweep_finds_batches_whose_task_was_lost():
    now = timezone.now()

    def batch(name, *, minutes_ago, attempts):
        return PendingPurge.objects.create(
            keys=[name], attempts=attempts, touched_at=now - timedelta(minutes=minutes_ago)
        )

    batch("queued-just-now", minutes_ago=1, attempts=0)
    lost_at_queueing = batch("never-tried", minutes_ago=6, attempts=0)
    batch("between-retries", minutes_ago=10, attempts=3)
    lost_while_retrying = batch("silent", minutes_ago=20, attempts=3)
    assert set(purging.stale_batches(now=now)) == {lost_at_queueing, lost_while_retrying}


def test_a_batch_being_retried_is_never_taken_for_lost():
    assert timedelta(seconds=tasks.RETRY_BACKOFF_MAX) < purging.RETRY_SILENCE


def test_the_backlog_is_the_age_of_the_oldest_batch():
    assert purging.oldest_pending_age() is None
    with time_machine.travel(timezone.now() - timedelta(minutes=7), tick=False):
        PendingPurge.objects.create(keys=["old"])
    PendingPurge.objects.create(keys=["new"])
    assert timedelta(minutes=7) <= purging.oldest_pending_age() < timedelta(minutes=8)
