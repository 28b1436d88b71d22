"""Settings for benchmarks only: the project's settings, plus the floor views.

``BENCH_PAGE_CACHE=0`` swaps the cache for Django's dummy cache, so every
reader page is rendered from the database as it is right after a publish
(the page cache and the listing fragments are both keyed by the listing
version, so a publish makes both miss at once).
"""

from allforces.settings import *  # noqa: F403
from allforces.settings import env

ROOT_URLCONF = "bench.urls"

if not env.bool("BENCH_PAGE_CACHE", default=True):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
