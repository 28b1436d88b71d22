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
so stamps only ever grow), and so is finding a page: the clock, the page's
number and keys, their stamps and the page itself come back in one round
trip, as cheap as the single read of the global version this replaced. On
other caches (the quick start's files) each is two or three calls, good
enough for one process.
"""

import hashlib
from functools import partial, wraps

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
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
# The form a page is stored in (see ReaderPageCacheMiddleware), part of its cache key: a
# release that changes the form must change this, so that while old and new releases run
# side by side (a rolling deploy) neither reads what the other stored.
PAGE_FORM = 2
# Paths this middleware never stores, so it does not look for them either: the content API's
# answers are kept by a middleware of their own (api.stored), under keys that count the
# parameters each answer reads.
NOT_PAGES = ("/api/",)

_STAMP_SCRIPT = """
local now = redis.call('INCR', KEYS[1])
for i = 2, #ARGV do
    redis.call('SET', ARGV[1] .. ARGV[i], now, 'EX', tonumber(KEYS[2]))
end
return now
"""


def _redis():
    """The default cache if it is Redis, where scripts do in one round trip what takes
    several elsewhere; else None. (``django.core.cache.cache`` is a proxy, which
    isinstance() does not see through.)"""
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, RedisCache) else None


def clock() -> int:
    """The clock's number now: read before rendering, stored with the page."""
    return cache.get(CLOCK_KEY) or 0


def stamp(keys) -> None:
    """Advance the clock and stamp ``keys`` with it: pages showing any of them are forgotten."""
    keys = sorted(set(keys))
    if not keys:
        return
    if (redis := _redis()) is not None:
        try:
            client = redis._cache.get_client(CLOCK_KEY, write=True)
            client.eval(
                _STAMP_SCRIPT,
                2,
                redis.make_and_validate_key(CLOCK_KEY),
                STAMP_TIMEOUT,
                redis.make_and_validate_key(STAMP_PREFIX),
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


# A stored page is two entries: "<number> <key> <key> …" under the page's key plus SHOWN
# (a plain string, which the script can read), and the page itself.
SHOWN = ":shows"
_FIND_SCRIPT = """
local clock = tonumber(redis.call('GET', KEYS[1]) or '0')
local shown = redis.call('GET', KEYS[2])
if not shown then return {clock, false} end
local built, stamps = nil, {}
for word in string.gmatch(shown, '%S+') do
    if built == nil then built = tonumber(word) or -1 else stamps[#stamps + 1] = ARGV[1] .. word end
end
if built == nil or built < 0 then return {clock, false} end
for first = 1, #stamps, 200 do
    local values = redis.call('MGET', unpack(stamps, first, math.min(first + 199, #stamps)))
    for _, value in ipairs(values) do
        if value and tonumber(value) > built then return {clock, false} end
    end
end
return {clock, redis.call('GET', KEYS[3])}
"""


def find_page(key):
    """(the clock's number now, the page stored under ``key`` if none of its keys was
    stamped since it was rendered, else None)."""
    if (redis := _redis()) is not None:
        try:
            client = redis._cache.get_client(key)
            # make_key, not make_and_validate_key: the keys are ours, and checking each
            # character for memcached cost more than the rest of a hit in Python.
            clock_now, page = _find_script(client)(
                keys=[redis.make_key(CLOCK_KEY), redis.make_key(key + SHOWN), redis.make_key(key)],
                args=[redis.make_key(STAMP_PREFIX)],
            )
        except UNREACHABLE:
            return 0, None  # served from the database while Redis is away
        return clock_now, (None if page is None else redis._cache._serializer.loads(page))
    found = cache.get_many([CLOCK_KEY, key + SHOWN, key])
    clock_now, shown, page = found.get(CLOCK_KEY) or 0, found.get(key + SHOWN), found.get(key)
    if shown is None or page is None:
        return clock_now, None
    built, *keys = shown.split()
    return clock_now, (page if newest_stamp(keys) <= int(built) else None)


def _find_script(client):
    """_FIND_SCRIPT as a redis-py Script, sent by its digest (EVALSHA) once Redis knows it."""
    global _registered_find_script
    if _registered_find_script is None:
        _registered_find_script = client.register_script(_FIND_SCRIPT)
    return partial(_registered_find_script, client=client)


_registered_find_script = None


def store_page(key, *, built, shows, page) -> None:
    """Keep ``page`` under ``key`` with ``shows``, its keys, and ``built``, the clock's number
    read before it was rendered."""
    shown = " ".join([str(built), *shows])
    if (redis := _redis()) is not None:
        try:
            # One transaction, so a reader never finds the keys of one page with another page.
            with redis._cache.get_client(key, write=True).pipeline(transaction=True) as both:
                both.set(redis.make_and_validate_key(key + SHOWN), shown, ex=PAGE_TIMEOUT)
                both.set(
                    redis.make_and_validate_key(key), redis._cache._serializer.dumps(page), ex=PAGE_TIMEOUT
                )
                both.execute()
        except UNREACHABLE:
            pass
        return
    cache.set_many({key + SHOWN: shown, key: page}, PAGE_TIMEOUT)


def cached_for_readers(view):
    """Mark ``view``'s pages as the same for every reader, to be kept by ReaderPageCacheMiddleware
    and by the front-end cache, under the keys the view put on the response (``shows``).

    Conditional GET is answered from the page's ETag and Last-Modified.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and hasattr(response, "render"):
            response.render()  # before its keys: the template records what it shows too
        # A page rendered without part of itself (articles.templatetags.site_navigation) is kept by no cache.
        response.same_for_every_reader = not getattr(request, "page_incomplete", False)
        if response.status_code == 200 and response.same_for_every_reader:
            shown_by_template = getattr(request, "shown_by_template", ())
            response.shows = sorted({EVERYTHING, *getattr(response, "shows", ()), *shown_by_template})
            if settings.FRONTEND_CACHE_PURGERS:
                # A shared cache may keep the page only where the app can make it forget it.
                tag_response(request, response, response.shows, s_maxage=settings.FRONTEND_CACHE_SECONDS)
            # A page changes whenever anything it shows does (a renamed category, a new
            # neighbour), not only its article: it was last modified when it was built, and it
            # is built again only when one of its keys is stamped. The ETag follows the bytes.
            response["Last-Modified"] = http_date()
            set_response_etag(response)
        return answer_conditionally(request, response)

    return wrapper


class StoredResponseMiddleware:
    """Answer a request from a stored copy before the middleware below, or store what the view
    marked (``same_for_every_reader``, with its keys in ``shows``) under the request's key.

    ``key(request)`` names the stored copy, or is None for a request never stored or served.
    The host is validated before anything is served. The copy is stored with the headers the
    inner middleware added; the outer ones are added to every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def key(self, request) -> str | None:
        raise NotImplementedError

    def __call__(self, request):
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        # What CommonMiddleware would check below: a stored copy must not answer a host
        # ALLOWED_HOSTS refuses (DisallowedHost becomes the 400 page).
        request.get_host()
        started_at, stored = find_page(key)
        if stored is not None:
            return answer_conditionally(request, _rebuild(stored))
        # The clock was read before rendering: an event committed meanwhile stamps its keys
        # with a newer number, so this copy is not served past it.
        response = self.get_response(request)
        if (
            getattr(response, "same_for_every_reader", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            store_page(
                key,
                built=started_at,
                shows=response.shows,
                page=(response.status_code, list(response.items()), response.content),
            )
        return response


class ReaderPageCacheMiddleware(StoredResponseMiddleware):
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
    On Redis the clock, the page and the stamps of its keys come back in one
    call (find_page). Only the path and the page and search parameters
    count (``page_key``), so arbitrary query strings cannot fill the cache. The
    host is validated before anything is served. Conditional GET is answered
    from the page's own Last-Modified, so a stored page costs no SQL at all.
    """

    def key(self, request) -> str | None:
        if (
            request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.path.startswith(NOT_PAGES)
        ):
            return None
        return page_key(request)


def page_key(request) -> str:
    """The stored page's key: the path, the page number as the view reads it, and the search words.

    Not the host: the page's absolute addresses come from SITE_URL alone (articles.links),
    so every allowed host gets the same bytes, and ports cannot multiply the copies.
    """
    page = requested_page(request.GET.get("page", ""))
    wanted = "\n".join((request.path, str(page), request.GET.get("q", "")[: search.MAX_QUERY_LENGTH * 2]))
    return f"page:{PAGE_FORM}:{hashlib.sha256(wanted.encode()).hexdigest()}"


def _rebuild(stored):
    # Only the bytes and headers are stored: unpickling a whole response object
    # (with its template response machinery) cost more than the page itself.
    status, headers, content = stored
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
