"""Requesting a URL as a role and naming what came back, for the authorisation matrix."""

from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver

from editorial import urls as editorial_urls

# What a request may come back as.
OK = "ok"  # 200: the page or the answer
LOGIN = "login"  # a redirect to the admin login
REDIRECT = "redirect"  # a redirect anywhere else (done, or Django admin's "not found" bounce)
FORBIDDEN = "403"
MISSING = "404"
WRONG_METHOD = "405"
BAD_REQUEST = "400"  # let through, and the input refused


def outcome(response) -> str:
    if response.status_code in (301, 302):
        return LOGIN if response["Location"].startswith("/admin/login/") else REDIRECT
    return {200: OK, 400: BAD_REQUEST, 403: FORBIDDEN, 404: MISSING, 405: WRONG_METHOD}.get(
        response.status_code, str(response.status_code)
    )


def client_for(user, *, enforce_csrf_checks=False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    if user is not None:
        # force_login, not login: a login-attempt limiter must not count the tests.
        client.force_login(user)
    return client


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield pattern.name or route, route


def admin_routes() -> dict[str, str]:
    """Every URL of the admin site: its name (or its route when unnamed) to its route."""
    return dict(_routes(admin.site.get_urls()))


def editorial_routes() -> list[str]:
    return [name for name, _ in _routes(editorial_urls.urlpatterns)]
