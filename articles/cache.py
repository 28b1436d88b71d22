"""Cached listing fragments, invalidated by a version number.

Anything that changes what readers may see (an article going live, being
taken down) bumps the version; cached list fragments carry it in their key,
so the next request renders afresh. Cached fragments only ever lag behind:
they cannot show an article before the database says it is live.
"""

import hashlib
from functools import wraps

from django.core.cache import cache

VERSION_KEY = "articles:listing-version"
LISTING_TIMEOUT = 300
PAGE_TIMEOUT = 300


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


def cached_for_readers(view):
    """Serve anonymous readers a cached copy of a public page.

    The key carries the listing version, so a publish, an edit of a live
    article or a take-down (all of which bump it) makes every cached page
    stale at once; only the path and the page and search parameters count,
    so arbitrary query strings cannot fill the cache.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        wanted = "\n".join((request.path, request.GET.get("page", "")[:10], request.GET.get("q", "")[:200]))
        key = f"page:{listing_version()}:{hashlib.sha256(wanted.encode()).hexdigest()}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies:
                if hasattr(response, "render"):
                    response.render()
                cache.set(key, response, PAGE_TIMEOUT)
        return response

    return wrapper
