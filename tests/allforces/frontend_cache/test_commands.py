"""The sweep's twin lists what it would send again; a purge by hand can run at once."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from allforces.frontend_cache.models import PendingPurge

from .servers import Answer

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_dry_run_lists_lost_purges_and_sends_nothing():
    lost = PendingPurge.objects.create(
        keys=["article-12", "home"], touched_at=timezone.now() - timedelta(hours=1)
    )
    PendingPurge.objects.create(keys=["fresh"])
    output = run("requeue_frontend_purges", "--dry-run")
    assert f"{lost.pk}\t" in output and "article-12 home" in output
    assert "fresh" not in output
    assert "再送するパージ: 1 件" in output
    lost.refresh_from_db()
    assert lost.touched_at < timezone.now() - timedelta(minutes=59)


def test_a_purge_by_hand_runs_at_once_with_now(purge_to, varnish_api, cloudflare_api):
    assert "パージしました" in run("purge_frontend_keys", "home", "feeds", "--now")
    assert [request.headers["xkey-purge"] for request in varnish_api.received] == ["feeds home"]
    assert len(cloudflare_api.received) == 1
    assert not PendingPurge.objects.exists()


def test_a_purge_by_hand_that_fails_stays_for_the_sweep(purge_to, varnish_api):
    varnish_api.answer_next(Answer(503))
    with pytest.raises(CommandError, match="503"):
        run("purge_frontend_keys", "home", "--now")
    assert PendingPurge.objects.get().attempts == 1


def test_a_purge_by_hand_needs_a_purger(settings):
    settings.FRONTEND_CACHE_PURGERS = []
    with pytest.raises(CommandError, match="FRONTEND_CACHE_PURGERS"):
        run("purge_frontend_keys", "home")
