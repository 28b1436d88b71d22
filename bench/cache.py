"""The cache for the benchmark's "after a publish" variant.

Redis as the site uses it, except that every stored page is found stale, as
if the key every page carries (``all``) had just been stamped: each request
renders its page as the first request after a publish does, and stores it,
as it would. Stamps are read under a prefix of this module's own, where
``all`` carries a number no page's can reach.
"""

from allforces.cache import OutageTolerantRedisCache
from articles.cache import EVERYTHING, STAMP_PREFIX

NEWER_THAN_EVERY_PAGE = 2**62


class PagesNeverFoundCache(OutageTolerantRedisCache):
    _stamped = False

    def make_key(self, key, version=None):
        made = super().make_key(key, version=version)
        if key != STAMP_PREFIX:
            return made
        prefix = made + "after-publish:"
        if not self._stamped:
            self._cache.get_client(write=True).set(prefix + EVERYTHING, NEWER_THAN_EVERY_PAGE)
            self._stamped = True
        return prefix
