"""Optimistic locking: an editor's save goes through only if nobody else saved
the article since the editor opened it."""

from articles.models import Article

from .exceptions import EditConflict, NotPermitted
from .roles import may_save_changes

# Fields only the workflow's verbs write; content saves leave them alone.
WORKFLOW_FIELDS = ("status", "publish_at", "published_at", "first_published_at")
# Once scheduled, the publish time changes only through "reschedule", which is audited.
SCHEDULE_BOUND_STAGES = (Article.Status.SCHEDULED, Article.Status.PUBLISHED, Article.Status.ARCHIVED)


def lock_for_edit(article_pk, *, expected_version, by) -> Article:
    """Lock the article row for the rest of the transaction, check that ``by``
    may still edit it and that it is still at ``expected_version``; raise
    NotPermitted or EditConflict otherwise.

    The lock makes a second, concurrent save wait until the first commits,
    then see the new version and be refused instead of overwriting it.
    """
    current = Article.objects.select_for_update().get(pk=article_pk)
    # The admin asked before this lock; a verb that held it (an approve, say)
    # may have moved the article out of the writer's hands meanwhile.
    if by is not None and not may_save_changes(by, current):
        raise NotPermitted(
            f"この記事は開いたあとに「{current.get_status_display()}」になったため、保存できませんでした。"
            "ライターが編集できるのは、下書きと続き待ちの自分の記事（公開中なら未公開の変更として）だけです。"
        )
    if current.version != expected_version:
        raise EditConflict(current_version=current.version)
    return current
