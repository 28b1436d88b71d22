"""The invariant of issue 14, item 5, for the app's page cache: after any sequence of
editorial operations (tests/articles/freshness_machine.py), every reader page a reader
gets through the page cache is the page rendered with every cache and stored copy off.

The reference is the same request with a session cookie, which the page cache never
serves, under ``READER_COPIES=False`` (articles.freshness.copies_in_use), so it reads
no rendered body, card, furniture, related ranking, listing or newest article.
Operations go through the workflow verbs, the models' own saves and deletes (what
the admin does), the importer and the rebuild command, with their after-commit work
run. The same machine runs through Varnish in
tests/allforces/frontend_cache/test_freshness_property_through_varnish.py.
"""

import os

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from hypothesis.stateful import initialize, run_state_machine_as_test

from .freshness_machine import ARTICLES_PER_PAGE, EditorialWorld

pytestmark = pytest.mark.django_db


class ThroughThePageCache(EditorialWorld):
    def __init__(self):
        super().__init__()
        self.reader = Client()
        self.reference = Client()
        self.reference.cookies["sessionid"] = "no-such-session"  # never served from the page cache

    @initialize()
    def set_up(self):
        # Each example is a world of its own: its rows are rolled back after it, and the
        # pages stored for the last one must not be read for this one.
        self.world = transaction.atomic()
        self.world.__enter__()
        cache.clear()
        self.populate()

    def teardown(self):
        if hasattr(self, "world"):
            transaction.set_rollback(True)
            self.world.__exit__(None, None, None)

    def served(self, path):
        response = self.reader.get(path)
        return response.status_code, response.content

    def fresh(self, path):
        with override_settings(READER_COPIES=False):
            response = self.reference.get(path)
        return response.status_code, response.content


def test_every_page_through_the_page_cache_is_the_page_rendered_without_copies(db):
    with override_settings(ARTICLES_PER_PAGE=ARTICLES_PER_PAGE):
        run_state_machine_as_test(
            ThroughThePageCache,
            settings=settings(
                # More on request (FRESHNESS_EXAMPLES=200); CI runs the same examples each
                # time, so a red build is a change's doing, not a new draw's.
                max_examples=int(os.environ.get("FRESHNESS_EXAMPLES", "15")),
                derandomize=bool(os.environ.get("CI")),
                stateful_step_count=10,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )
