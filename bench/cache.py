"""The cache for the benchmark's "after a publish" variant.

Redis as the site uses it, except that a stored page is never found: every
request renders its page as the first request after a publish does (the
publish bumps the listing version, so every stored page is stale), while the
cards of articles already shown stay cached, as they do across a publish.
"""

from allforces.cache import OutageTolerantRedisCache


class PagesNeverFoundCache(OutageTolerantRedisCache):
    def get_many(self, keys, version=None):
        return super().get_many([key for key in keys if not key.startswith("page:")], version=version)
