"""Deployment checks for the public site's address (``manage.py check --deploy``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import validate_host


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_served(app_configs, **kwargs):
    """SITE_URL is the only source of absolute addresses (articles.links): pages,
    feeds, e-mails and preview links would all point where this server refuses."""
    parts = urlsplit(settings.SITE_URL)
    problems = []
    if parts.scheme != "https":
        problems.append(
            checks.Warning(
                f"SITE_URL ({settings.SITE_URL}) is not https: canonical links, feeds and e-mails "
                "will send readers to plain HTTP.",
                hint="Set SITE_URL to the public https address, e.g. https://cms.example.jp.",
                id="allforces.W001",
            )
        )
    host = (parts.hostname or "").lower()
    if not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append(
            checks.Warning(
                f"SITE_URL's host {host!r} is not in ALLOWED_HOSTS {settings.ALLOWED_HOSTS}: every "
                "absolute address the site writes would be refused with a 400.",
                hint="Add the public host name to ALLOWED_HOSTS, or correct SITE_URL.",
                id="allforces.W002",
            )
        )
    return problems
