"""Django's history page (履歴) of an article: each workflow move is entered
there too, in the editor's words, beside the content saves Django logs itself.

Without it the page showed a workflow click as 「変更はありませんでした」: the
admin logs the (unchanged) form it saved before the verb ran, and nothing of
the move. The stage history on the change form stays the audit trail; this is
the same fact where Django users look for it.
"""

from django.contrib.admin.models import CHANGE, LogEntry

from articles.models import Article


def transition_message(transition) -> str:
    """「レビュー中 → 公開中」, then the comment if there was one; a reschedule by its comment."""
    comment = transition.comment.strip()
    if transition.from_status == transition.to_status:
        return comment  # a reschedule: its comment says from when to when
    moved = f"{Article.Status(transition.from_status).label} → {Article.Status(transition.to_status).label}"
    return f"{moved}（コメント: {comment}）" if comment else moved


def log_transition(transition, *, by):
    """Enter ``transition`` in the article's admin history, inside the caller's
    transaction. The system's moves (``by=None``) are not entered: an admin log
    entry names a user, and the stage history already shows them as the system's."""
    if by is None:
        return
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[transition.article],
        action_flag=CHANGE,
        change_message=transition_message(transition),
        single_object=True,
    )
