"""Probes for the orchestrator: is the process up, and can it do its work."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving; it touches no database or broker."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def readyz(request):
    """The database answers a query and the Celery broker accepts a connection.

    A load balancer sends readers elsewhere while this says 503, so a replica
    that lost its database stops taking traffic instead of serving errors.
    """
    checks = {"database": _database_reachable(), "broker": _broker_reachable()}
    ready = all(checks.values())
    return JsonResponse(
        {name: "ok" if passed else "unreachable" for name, passed in checks.items()},
        status=200 if ready else 503,
    )


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        logger.warning("readiness: the database is unreachable", exc_info=True)
        # A broken persistent connection must not be reused by the next request.
        connection.close_if_unusable_or_obsolete()
        return False


def _broker_reachable() -> bool:
    from allforces.celery import app

    try:
        with app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
            )
        return True
    except Exception:  # kombu raises the transport's own errors (redis, OSError, ...)
        logger.warning("readiness: the Celery broker is unreachable", exc_info=True)
        return False
