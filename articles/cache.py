"""Readers' pages kept in the cache, invalidated by a version number.

Anything that changes what readers may see (an article going live, being
taken down, a live article edited) bumps the version; stored pages carry the
version they were rendered under, so the next request renders afresh. Stored
pages only ever lag behind: they cannot show an article before the database
says it is live.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from . import search
from .pagination import requested_page

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
    """Mark ``view``'s pages as the same for every reader, to be kept by ReaderPageCacheMiddleware.

    The view itself answers conditional GET from the page's Last-Modified.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.same_for_every_reader = True
        return answer_conditionally(request, response)

    return wrapper


class ReaderPageCacheMiddleware:
    """Serve readers without a session a stored copy of a public page.

    It sits before the session, authentication, CSRF and message middleware,
    so a stored page costs one Redis round trip and none of their work. Only
    requests without a session cookie are served from it or stored (editors
    always see the live page), and only pages whose view is marked with
    ``cached_for_readers``. The page is stored with the headers the inner
    middleware added; the outer ones (security headers, the Content Security
    Policy) are added to every response, so they are never out of date.

    A stored page carries the listing version it was rendered under, so a
    publish, an edit of a live article or a take-down (all of which bump it)
    makes every stored page stale at once; the version and the page come back
    from Redis in one round trip. Only the path and the page and search
    parameters count (``page_key``), so arbitrary query strings cannot fill
    the cache. The host is validated before anything is served.
    Conditional GET is answered from the page's own Last-Modified, so a
    stored page costs no SQL at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        # What CommonMiddleware would check below: a stored page must not answer a host
        # ALLOWED_HOSTS refuses (DisallowedHost becomes the 400 page).
        request.get_host()
        key = page_key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or listing_version()
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            return answer_conditionally(request, _rebuild(stored))
        # The version was read before rendering: if something is published meanwhile,
        # this page is stored under the old version and the next request renders afresh.
        response = self.get_response(request)
        if (
            getattr(response, "same_for_every_reader", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            cache.set(
                key, (version, response.status_code, list(response.items()), response.content), PAGE_TIMEOUT
            )
        return response


def page_key(request) -> str:
    """The stored page's key: the path, the page number as the view reads it, and the search words.

    Not the host: the page's absolute addresses come from SITE_URL alone (articles.links),
    so every allowed host gets the same bytes, and ports cannot multiply the copies.
    """
    page = requested_page(request.GET.get("page", ""))
    wanted = "\n".join((request.path, str(page), request.GET.get("q", "")[: search.MAX_QUERY_LENGTH * 2]))
    return f"page:{hashlib.sha256(wanted.encode()).hexdigest()}"


def _rebuild(stored):
    # Only the bytes and headers are stored: unpickling a whole response object
    # (with its template response machinery) cost more than the page itself.
    _, status, headers, content = stored
    return HttpResponse(content, status=status, headers=dict(headers))


def answer_conditionally(request, response):
    """304 Not Modified when the reader's copy is as new as ``response`` (as ConditionalGetMiddleware)."""
    if request.method != "GET" or response.status_code != 200:
        return response
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified")),
        response=response,
    )
