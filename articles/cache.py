"""Readers' pages kept in the cache, each forgotten when what it shows changes.

Every reader page names what it shows in surrogate keys (``article-12``,
``category-3``, ``timeline`` …; articles/freshness.py decides which). The
page is stored with its keys and the number of a clock read before it was
rendered. An event that changes what some pages show (articles/freshness.py
again) advances the clock and stamps each key it touches with the new number;
a stored page is served only while none of its keys carries a number newer
than its own. So an event forgets exactly the pages that show what changed,
and a page rendered from data older than an event can never outlive it: its
number is older than the stamp, since the event stamps after its commit.

On Redis, stamping is one Lua script (the clock and every key move together,
so stamps only ever grow); on other caches (the quick start's files) it is
two calls, good enough for one process.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from allforces.cache import UNREACHABLE
from allforces.frontend_cache.headers import tag_response

from . import search
from .pagination import requested_page

CLOCK_KEY = "fresh:clock"
STAMP_PREFIX = "fresh:key:"
# With invalidation by key, a stored page stays right until something it shows
# changes; the timeout only bounds what a lost stamp (Redis away at an event, but
# keeping its data across the outage) could leave behind. Stamps outlive every
# page that could be stale against them.
PAGE_TIMEOUT = 300
STAMP_TIMEOUT = 2 * PAGE_TIMEOUT
# Every page carries this key, so forgetting it forgets every page.
EVERYTHING = "all"

_STAMP_SCRIPT = """
local now = redis.call('INCR', KEYS[1])
for i = 2, #ARGV do
    redis.call('SET', ARGV[1] .. ARGV[i], now, 'EX', tonumber(KEYS[2]))
end
return now
"""


def clock() -> int:
    """The clock's number now: read before rendering, stored with the page."""
    return cache.get(CLOCK_KEY) or 0


def stamp(keys) -> None:
    """Advance the clock and stamp ``keys`` with it: pages showing any of them are forgotten."""
    keys = sorted(set(keys))
    if not keys:
        return
    if isinstance(cache, RedisCache):
        try:
            client = cache._cache.get_client(CLOCK_KEY, write=True)
            client.eval(
                _STAMP_SCRIPT,
                2,
                cache.make_and_validate_key(CLOCK_KEY),
                STAMP_TIMEOUT,
                cache.make_and_validate_key(STAMP_PREFIX),
                *keys,
            )
        except UNREACHABLE:
            # Stored pages are out of reach too. The purge task stamps again, and is
            # retried until it succeeds (articles/freshness.py).
            raise
        return
    try:
        now = cache.incr(CLOCK_KEY)
    except ValueError:
        cache.add(CLOCK_KEY, 1, timeout=None)
        now = cache.incr(CLOCK_KEY)
    cache.set_many({STAMP_PREFIX + key: now for key in keys}, STAMP_TIMEOUT)


def newest_stamp(keys) -> int:
    """The newest stamp among ``keys`` (0 when none was ever stamped)."""
    stamps = cache.get_many([STAMP_PREFIX + key for key in keys])
    return max(stamps.values(), default=0)


def cached_for_readers(view):
    """Mark ``view``'s pages as the same for every reader, to be kept by ReaderPageCacheMiddleware
    and by the front-end cache, under the keys the view put on the response (``shows``).

    Conditional GET is answered from the page's ETag and Last-Modified.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.same_for_every_reader = True
        if response.status_code == 200:
            response.shows = sorted({EVERYTHING, *getattr(response, "shows", ())})
            if settings.FRONTEND_CACHE_PURGERS:
                # A shared cache may keep the page only where the app can make it forget it.
                tag_response(request, response, response.shows, s_maxage=settings.FRONTEND_CACHE_SECONDS)
            # A page changes whenever anything it shows does (a renamed category, a new
            # neighbour), not only its article: it was last modified when it was built, and it
            # is built again only when one of its keys is stamped. The ETag follows the bytes.
            response["Last-Modified"] = http_date()
            if hasattr(response, "render"):
                response.render()
            set_response_etag(response)
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

    A stored page carries its keys and the clock's number from before it was
    rendered; it is served only while no key has a newer stamp (see above).
    The clock and the page come back from the cache in one call, the stamps of
    its keys in a second. Only the path and the page and search parameters
    count (``page_key``), so arbitrary query strings cannot fill the cache. The
    host is validated before anything is served. Conditional GET is answered
    from the page's own Last-Modified, so a stored page costs no SQL at all.
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
        found = cache.get_many([CLOCK_KEY, key])
        started_at = found.get(CLOCK_KEY) or 0
        stored = found.get(key)
        if stored is not None and newest_stamp(stored[1]) <= stored[0]:
            return answer_conditionally(request, _rebuild(stored))
        # The clock was read before rendering: an event committed meanwhile stamps its keys
        # with a newer number, so this page is not served past it.
        response = self.get_response(request)
        if (
            getattr(response, "same_for_every_reader", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            cache.set(
                key,
                (started_at, response.shows, response.status_code, list(response.items()), response.content),
                PAGE_TIMEOUT,
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
    _, _, status, headers, content = stored
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
