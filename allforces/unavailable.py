"""While the database is unreachable, answer 503 with a page in Japanese.

A restart or failover of PostgreSQL surfaces as ``OperationalError`` or
``InterfaceError`` in whichever request touches the database then. The reader
gets a short "please try again" page with ``Retry-After`` instead of a 500,
and the operator still gets the traceback in the log. Django closes a
connection that failed at the end of the request, so the next request opens
a fresh one as soon as the database is back.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
PLAIN_MESSAGE = "ただいま一時的にご利用いただけません。しばらくしてから再度お試しください。"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s %s", request.method, request.path, exc_info=exception)
        return unavailable_response(request)


def unavailable_response(request):
    try:
        body = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}, request=request)
        content_type = "text/html; charset=utf-8"
    except Exception:  # the page must not fail for the same reason the request did
        logger.exception("the 503 page could not be rendered")
        body, content_type = PLAIN_MESSAGE, "text/plain; charset=utf-8"
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
