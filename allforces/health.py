"""Probes for the orchestrator: is the process up, and can it do its work."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from allforces.frontend_cache.purging import oldest_pending_age

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
    With front-end cache purgers configured, ``frontend_cache`` says whether
    purges are backing up ("backlog"); it never makes the answer 503: the
    backlog is the whole site's, and taking replicas out would purge nothing.
    """
    checks = {"database": _database_reachable(), "broker": _broker_reachable()}
    ready = all(checks.values())
    body = {name: "ok" if passed else "unreachable" for name, passed in checks.items()}
    if settings.FRONTEND_CACHE_PURGERS:
        body["frontend_cache"] = _purge_backlog() if checks["database"] else "unknown"
    return JsonResponse(body, status=200 if ready else 503)


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


def _purge_backlog() -> str:
    try:
        waited = oldest_pending_age()
    except DatabaseError:
        logger.warning("readiness: could not read the front-end cache purge backlog", exc_info=True)
        return "unknown"
    if waited is not None and waited.total_seconds() > settings.FRONTEND_CACHE_BACKLOG_SECONDS:
        logger.warning(
            "readiness: front-end cache purges are backing up",
            extra={"oldest_purge_waiting_seconds": round(waited.total_seconds())},
        )
        return "backlog"
    return "ok"
