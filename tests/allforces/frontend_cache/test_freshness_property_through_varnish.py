"""The invariant of issue 14, item 5, through the whole stack: after any sequence of
editorial operations (tests/articles/freshness_machine.py), every reader page a reader
gets through Varnish (the repository's VCL in a real varnishd, gunicorn with production
settings and the Redis page cache behind it, purges sent by a real Celery worker) is
the page a second gunicorn renders with every stored copy off (``READER_COPIES=0``)
for a request with a session cookie, which no cache serves.

The operations run in this process and commit for real; before each page is read, the
test waits until the worker has sent every purge (no PendingPurge row is left), as a
reader arriving a moment after an edit would find it.
"""

from contextlib import nullcontext
from urllib.parse import quote

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.stateful import initialize, run_state_machine_as_test
from taggit.models import Tag

from allforces.frontend_cache.models import PendingPurge
from articles import freshness
from articles.models import Article, Author, Category
from tests.articles.freshness_machine import ARTICLES_PER_PAGE, MEDIA_ROOT, EditorialWorld
from tests.celery_worker import running_worker, wait_until
from tests.faults.services import running_gunicorn

from .varnish import request, running_varnish

pytestmark = [pytest.mark.varnish, pytest.mark.django_db(transaction=True)]


class ThroughVarnish(EditorialWorld):
    """Set up by the test (the servers' ports) before hypothesis runs it."""

    varnish_port = reference_port = None
    hits = 0  # pages Varnish answered from what it kept: the property is about those
    covers = 0  # covers given, their renditions made by the worker

    @initialize()
    def set_up(self):
        # Each example starts from an empty archive and empty caches.
        Article.objects.all().delete()
        for model in (Category, Author, Tag):
            model.objects.all().delete()
        freshness.everything_changed()  # forgets every page in Varnish (through the worker)
        self.settle()
        cache.clear()
        self.populate()

    def settle(self):
        assert wait_until(lambda: not PendingPurge.objects.exists(), timeout=30, interval=0.02), list(
            PendingPurge.objects.values("keys", "attempts", "last_error")
        )

    def served(self, path):
        status, headers, body = request("GET", self.varnish_port, quote(path, safe="/?=&%"))
        ThroughVarnish.hits += headers.get("X-Cache") == "HIT"
        return status, body

    def tasks_of(self):
        # The worker makes a cover's renditions, as in production: its save committed for real.
        return nullcontext()

    def wait_for_renditions(self, article):
        def made():
            return (Article.objects.get(pk=article.pk).cover_renditions or {}).get("files")

        assert wait_until(made, timeout=30, interval=0.05), Article.objects.get(
            pk=article.pk
        ).cover_renditions
        ThroughVarnish.covers += 1

    def fresh(self, path):
        path = quote(path, safe="/?=&%")
        status, _, body = request("GET", self.reference_port, path, headers={"Cookie": "sessionid=none"})
        return status, body


def test_every_page_through_varnish_is_the_page_rendered_without_copies(
    tmp_path, static_root, artifacts, settings
):
    pages = {"ARTICLES_PER_PAGE": str(ARTICLES_PER_PAGE)}
    settings.ARTICLES_PER_PAGE = ARTICLES_PER_PAGE
    with (
        running_gunicorn(
            static_root=static_root,
            log_path=artifacts / "gunicorn-property-served.log",
            extra_env={**pages, "FRONTEND_CACHE_PURGERS": "varnish"},
        ) as served_port,
        running_gunicorn(
            static_root=static_root,
            log_path=artifacts / "gunicorn-property-reference.log",
            extra_env={**pages, "READER_COPIES": "0"},
        ) as reference_port,
        running_varnish(tmp_path / "varnish", backend_port=served_port) as varnish,
    ):
        purging = {"FRONTEND_CACHE_PURGERS": "varnish",
                   "VARNISH_PURGE_URLS": f"http://127.0.0.1:{varnish.internal_port}"}  # fmt: skip
        # The worker makes covers' renditions too, from the files the steps save there.
        worker_env = {**purging, "MEDIA_ROOT": MEDIA_ROOT}
        settings.FRONTEND_CACHE_PURGERS = ["varnish"]
        settings.FRONTEND_CACHE_OPTIONS = {
            **settings.FRONTEND_CACHE_OPTIONS,
            "varnish": {"urls": [purging["VARNISH_PURGE_URLS"]]},
        }
        ThroughVarnish.varnish_port, ThroughVarnish.reference_port = varnish.port, reference_port
        with running_worker(name="property-purger", extra_env=worker_env):
            run_state_machine_as_test(
                ThroughVarnish,
                settings=hypothesis_settings(
                    max_examples=6,
                    stateful_step_count=8,
                    deadline=None,
                    derandomize=True,  # the same sequences each run: a red build is a change's doing
                    suppress_health_check=list(HealthCheck),
                ),
            )
    assert ThroughVarnish.hits > 100, ThroughVarnish.hits
    assert ThroughVarnish.covers > 0, "no sequence gave an article a cover"
    print(
        f"\nthrough Varnish: {ThroughVarnish.hits} pages served from Varnish's copy, each equal to a fresh render;"
        f" {ThroughVarnish.covers} covers given"
    )
