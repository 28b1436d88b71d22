"""What the continuation page shows of the generator, and its one button: whether it
is on, its limits, whether a run holds the article, the article's record, and
「生成を再開」 for an article it handed to a person."""

from django.db import transaction
from django.utils import timezone

from articles.models import Article

from .. import tasks
from ..exceptions import NotPermitted, WorkflowError
from ..models import GenerationAttempt, GenerationLease
from ..roles import is_editor
from . import config, runner

SHOWN_ATTEMPTS = 30


def context(article) -> dict:
    settings = config.current()
    handed_over = settings is not None and runner.handed_over(article)
    return {
        "generator_configured": settings is not None,
        "generator_model": settings.model if settings else "",
        "generator_max_passes": settings.max_passes if settings else 0,
        "generation_running": GenerationLease.objects.filter(
            article=article, expires_at__gt=timezone.now()
        ).exists(),
        "generation_handed_over": handed_over,
        "can_restart_generation": handed_over and article.status == Article.Status.CONTINUATION,
        "generation_attempts": list(
            GenerationAttempt.objects.filter(article=article).select_related("prompt")[:SHOWN_ATTEMPTS]
        ),
    }


def start_again(article, *, by) -> None:
    """An editor's 「生成を再開」: a new run for an article the generator handed over."""
    if not is_editor(by):
        raise NotPermitted("生成の再開は編集者だけができます。")
    if config.current() is None:
        raise WorkflowError("続きの自動生成は設定されていません。")
    if article.status != Article.Status.CONTINUATION or not runner.handed_over(article):
        raise WorkflowError(
            "この記事は生成を再開できる状態ではありません（続き待ちで、人に引き継いだ記事だけです）。"
        )
    with transaction.atomic():
        runner.request_again(article, by=by)
        transaction.on_commit(lambda: tasks.queue_generation(article.pk), robust=True)
