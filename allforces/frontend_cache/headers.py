"""Marking a reader's page for the front-end caches: how long they may keep it, and its keys."""

from collections.abc import Iterable

from django.conf import settings
from django.utils.cache import patch_cache_control

from .keys import clean_keys


def tag_response(request, response, keys: Iterable[str], *, s_maxage: int):
    """Let shared caches keep ``response`` for ``s_maxage`` seconds, to be purged by ``keys``.

    Only a page for a reader without a session (and not logged in) is shared:
    it gets ``Cache-Control: public, max-age=0, s-maxage=N`` (browsers always
    ask again; Varnish and CDNs keep it) and the keys in ``xkey`` (Varnish),
    ``Surrogate-Key`` (Fastly) and ``Cache-Tag`` (Cloudflare), which the caches
    remove before readers see them. Any other response, or one that sets a
    cookie, is marked private, so no shared cache keeps an editor's page.
    """
    keys = clean_keys(keys)
    if not _for_every_reader(request, response):
        patch_cache_control(response, private=True)
        return response
    if keys:
        response["xkey"] = " ".join(keys)
        response["Surrogate-Key"] = " ".join(keys)
        response["Cache-Tag"] = ",".join(keys)
    patch_cache_control(response, public=True, max_age=0, s_maxage=s_maxage)
    return response


def _for_every_reader(request, response) -> bool:
    if response.cookies or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    # Pages stored by articles.cache are answered before the authentication middleware sets user.
    user = getattr(request, "user", None)
    return not (user is not None and (user.is_authenticated or user.is_staff))
