"""Settings for benchmarks only: the project's settings, plus the floor views.

``BENCH_PAGE_CACHE=0`` swaps the cache for Django's dummy cache, so every
reader page is rendered from the database as it is right after a publish
with no cache at all. ``BENCH_PAGE_CACHE=after-publish`` keeps Redis but never
finds a stored page (bench/cache.py): the page is rendered as right after a
publish, with the cards of articles already shown still cached.
"""

from allforces.settings import *  # noqa: F403
from allforces.settings import env

ROOT_URLCONF = "bench.urls"

PAGE_CACHE = env.str("BENCH_PAGE_CACHE", default="1")
if PAGE_CACHE == "0":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif PAGE_CACHE == "after-publish":
    CACHES = {"default": {**CACHES["default"], "BACKEND": "bench.cache.PagesNeverFoundCache"}}  # noqa: F405
