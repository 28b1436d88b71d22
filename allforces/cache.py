"""Django's Redis cache, except that an unreachable Redis behaves as an empty one.

Pages and fragments are cached only to save work: while Redis restarts or is
out of reach, every read is a miss and every write is dropped, so readers get
pages rendered from the database instead of a 500. Writes report failure the
way Django's API allows (``add`` returns False, ``incr`` raises ValueError as
for a missing key), so callers that claim something through the cache never
believe they hold a claim they do not. Errors that mean a programming mistake
(a wrong type, a bad command) still raise.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Without these, a Redis host that drops packets (rather than refusing the
# connection) would hold every request until the kernel gives up, minutes later.
DEFAULT_SOCKET_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
WARN_EVERY_SECONDS = 10


def _when_unreachable(fallback):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._warn(method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unreachable).")


class OutageTolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {**DEFAULT_SOCKET_OPTIONS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._last_warning = float("-inf")

    def _warn(self, operation, error):
        # One line per interval, not one per request, while Redis is down.
        now = time.monotonic()
        if now - self._last_warning >= WARN_EVERY_SECONDS:
            self._last_warning = now
            logger.warning("cache unreachable, serving without it (%s): %s", operation, error)

    get = _when_unreachable(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _when_unreachable(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _when_unreachable(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _when_unreachable(lambda *args, **kwargs: False)(RedisCache.add)
    set = _when_unreachable(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _when_unreachable(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _when_unreachable(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _when_unreachable(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _when_unreachable(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _when_unreachable(_missing_key)(RedisCache.incr)
    clear = _when_unreachable(lambda: False)(RedisCache.clear)
