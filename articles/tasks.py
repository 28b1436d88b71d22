"""Celery tasks of the reader side: thin, each calls one function of articles/."""

from celery import shared_task

from . import images
from .models import Article


@shared_task(
    name="articles.make_cover_renditions",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def make_cover_renditions(article_id):
    # Retried for storage that is away for a moment; a missing or broken file is recorded, not retried.
    if article := Article.objects.filter(pk=article_id).first():
        images.store_cover_renditions(article)
