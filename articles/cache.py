"""Cached listing fragments, invalidated by a version number.

Anything that changes what readers may see (an article going live, being
taken down) bumps the version; cached list fragments carry it in their key,
so the next request renders afresh. Cached fragments only ever lag behind:
they cannot show an article before the database says it is live.
"""

from django.core.cache import cache

VERSION_KEY = "articles:listing-version"
LISTING_TIMEOUT = 300


def listing_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_listing_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or the cache was restarted)
        cache.add(VERSION_KEY, 2, timeout=None)
