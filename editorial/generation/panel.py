"""What the continuation page shows of the generator: whether it is on, its
limits, whether a run holds the article, and the article's record."""

from django.utils import timezone

from ..models import GenerationAttempt, GenerationLease
from . import config

SHOWN_ATTEMPTS = 30


def context(article) -> dict:
    settings = config.current()
    return {
        "generator_configured": settings is not None,
        "generator_model": settings.model if settings else "",
        "generator_max_passes": settings.max_passes if settings else 0,
        "generator_currency": settings.currency if settings else "",
        "generation_running": GenerationLease.objects.filter(
            article=article, expires_at__gt=timezone.now()
        ).exists(),
        "generation_attempts": list(
            GenerationAttempt.objects.filter(article=article).select_related("prompt")[:SHOWN_ATTEMPTS]
        ),
    }
