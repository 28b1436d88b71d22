"""Absolute addresses of readers' pages, always on the configured SITE_URL.

Never from the request's Host header: a stored page is served to every
reader, so an address built from one request's host would be shown to all
of them (and ALLOWED_HOSTS accepts any port on an allowed name).
"""

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.encoding import iri_to_uri


def site_origin() -> str:
    """``scheme://host[:port]`` of SITE_URL, whatever path it was written with."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def absolute_url(path: str) -> str:
    """``path`` on the public site, percent-encoded as reverse() writes it (``request.path`` is not);
    an address that is already absolute (a CDN's) is kept."""
    return iri_to_uri(urljoin(site_origin() + "/", path))
