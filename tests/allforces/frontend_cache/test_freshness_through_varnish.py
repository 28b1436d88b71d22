"""The whole stack a reader goes through: varnishd with the repository's VCL, gunicorn with
production settings, the Redis page cache and a Celery worker that sends the purges. An
editor's publish and a category rename reach readers through Varnish, and a publish forgets
nothing else."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, refresh_live_copies
from articles.related import RELATED_NEIGHBOURHOOD
from editorial import workflow
from tests.celery_worker import running_worker, wait_until
from tests.factories import READY_BODY, make_article, make_scheduled_articles
from tests.faults.services import running_gunicorn

from .varnish import request, running_varnish

pytestmark = [pytest.mark.varnish, pytest.mark.django_db(transaction=True)]


def through_varnish(varnish, path):
    status, headers, body = request("GET", varnish.port, path)
    return status, headers, body.decode()


def ready(title, slug, writer, category):
    return make_article(
        title=title, slug=slug, body=READY_BODY, excerpt="要約です。", tags=["AI"],
        authors=[writer.author_profile], categories=[category],
    )  # fmt: skip


def publish(article, editor):
    workflow.submit(article, by=editor)
    workflow.approve(article, by=editor)


def test_a_publish_and_a_rename_reach_readers_through_varnish(
    tmp_path, static_root, artifacts, settings, editor, writer, category
):
    # An old article, with more live articles after it than a publish looks around in time.
    elsewhere = make_article(
        title="関係のない記事",
        slug="elsewhere",
        published=True,
        published_at=timezone.now() - timedelta(days=400),
    )
    between = make_scheduled_articles(RELATED_NEIGHBOURHOOD + 10, at=timezone.now() - timedelta(days=300))
    for hours, article in enumerate(between):  # an hour apart, all after the old one, whatever their ids
        article.status, article.published_at = (
            Article.Status.PUBLISHED,
            timezone.now() - timedelta(days=1, hours=hours),
        )
    Article.objects.bulk_update(between, ["status", "published_at"])
    refresh_live_copies([a.pk for a in between])  # as the scheduler's batch does
    first = ready("先に出た記事", "first", writer, category)
    publish(first, editor)
    with (
        running_gunicorn(
            static_root=static_root,
            log_path=artifacts / "gunicorn-varnish.log",
            extra_env={"FRONTEND_CACHE_PURGERS": "varnish"},  # lets shared caches keep its pages
        ) as port,
        running_varnish(tmp_path / "varnish", backend_port=port) as varnish,
    ):
        purging = {"FRONTEND_CACHE_PURGERS": "varnish",
                   "VARNISH_PURGE_URLS": f"http://127.0.0.1:{varnish.internal_port}"}  # fmt: skip
        settings.FRONTEND_CACHE_PURGERS = ["varnish"]
        settings.FRONTEND_CACHE_OPTIONS = {
            **settings.FRONTEND_CACHE_OPTIONS,
            "varnish": {"urls": [purging["VARNISH_PURGE_URLS"]]},
        }
        with running_worker(name="purger", extra_env=purging):
            pages = ["/", first.get_absolute_url(), category.get_absolute_url(), elsewhere.get_absolute_url()]
            for path in pages:
                through_varnish(varnish, path)
            for path in pages:
                status, headers, _ = through_varnish(varnish, path)
                assert (status, headers["X-Cache"]) == (200, "HIT"), path
                assert "xkey" not in headers and "Surrogate-Key" not in headers  # the keys stay inside

            second = ready("あとから出た記事", "second", writer, category)
            workflow.submit(second, by=editor)
            workflow.approve(second, by=editor)  # commits, then stamps and queues the purge
            committed = time.monotonic()
            assert wait_until(
                lambda: "あとから出た記事" in through_varnish(varnish, "/")[2], timeout=15, interval=0.02
            )
            on_home = time.monotonic() - committed
            # Its neighbour in time now links to it, and the category lists it.
            assert "/articles/second/" in through_varnish(varnish, first.get_absolute_url())[2]
            assert "あとから出た記事" in through_varnish(varnish, category.get_absolute_url())[2]
            # A page that shows nothing of it was not purged.
            assert through_varnish(varnish, elsewhere.get_absolute_url())[1]["X-Cache"] == "HIT"

            category.name = "投資の分析"
            category.save()
            renamed = time.monotonic()
            assert wait_until(
                lambda: "投資の分析" in through_varnish(varnish, first.get_absolute_url())[2],
                timeout=15,
                interval=0.02,
            )
            on_article = time.monotonic() - renamed
            # Every page names every category in its header (issue 18): the rename reaches them all.
            assert "投資の分析" in through_varnish(varnish, elsewhere.get_absolute_url())[2]
    print(
        f"\nthrough Varnish: a publish on home {on_home:.2f}s after its commit, a category rename on "
        f"its articles' pages {on_article:.2f}s after its save ({timezone.now():%Y-%m-%d})"
    )
