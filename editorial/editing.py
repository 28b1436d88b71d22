"""Optimistic locking: an editor's save goes through only if nobody else saved
the article since the editor opened it."""

from articles.models import Article

from .exceptions import EditConflict

# Fields only the workflow's verbs write; content saves leave them alone.
WORKFLOW_FIELDS = ("status", "publish_at", "published_at")
# Once scheduled, the publish time changes only through "reschedule", which is audited.
SCHEDULE_BOUND_STAGES = (Article.Status.SCHEDULED, Article.Status.PUBLISHED, Article.Status.ARCHIVED)


def lock_for_edit(article_pk, *, expected_version) -> Article:
    """Lock the article row for the rest of the transaction and check that it
    is still at ``expected_version``; raise EditConflict otherwise.

    The lock makes a second, concurrent save wait until the first commits,
    then see the new version and be refused instead of overwriting it.
    """
    current = Article.objects.select_for_update().get(pk=article_pk)
    if current.version != expected_version:
        raise EditConflict(current_version=current.version)
    return current
