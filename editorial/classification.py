"""Adding a category or a tag to an article outside its form (the list's bulk
actions): a content change like a save of the form, with the same rules.

Who may edit the article is checked under the row lock; the change raises the
version (an editor's open form then sees a conflict rather than dropping the
new label when saved) and stores a revision; a scheduled article goes back to
review, as after any edit, so nothing goes live that no editor approved. A
published article keeps its live labels: the new one is added to its pending
version (started from the live content if it has none), as a save of its form
would, and readers see it once an editor publishes that.
"""

from django.db import transaction

from articles.models import Article

from . import pending, revisions
from .exceptions import NotPermitted, WorkflowError
from .roles import may_save_changes


def _change(article, *, by, already, add, already_pending, add_pending, note) -> bool:
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not may_save_changes(by, locked):
            raise NotPermitted(
                f"この記事は「{locked.get_status_display()}」のため変更できません"
                "（ライターが変更できるのは、下書きと続き待ちの自分の記事と、"
                "未公開の変更として公開中の自分の記事だけです）。"
            )
        if locked.status == Article.Status.PUBLISHED:
            if already_pending(pending.values_of(locked)):
                return False
            pending.propose(locked, by=by, change=add_pending)
        else:
            if already(locked):
                return False
            add(locked)
            revisions.commit_content_change(locked, by=by, note=note)
    article.refresh_from_db()
    return True


def add_category(article, category, *, by) -> bool:
    """Put ``article`` in ``category`` too (a published one: in its pending
    version); False if it already was."""
    return _change(
        article,
        by=by,
        already=lambda locked: locked.categories.filter(pk=category.pk).exists(),
        add=lambda locked: locked.categories.add(category),
        already_pending=lambda values: category.pk in values["categories"],
        add_pending=lambda values: values["categories"].append(category.pk),
        note=f"カテゴリー「{category.name}」を追加（一括操作）",
    )


def add_tag(article, name: str, *, by) -> bool:
    """Tag ``article`` with ``name`` (made if new; a published one: in its
    pending version); False if it already had it."""
    name = name.strip()
    if not name:
        raise WorkflowError("タグの名前を入力してください。")
    return _change(
        article,
        by=by,
        already=lambda locked: name in locked.tags.names(),
        add=lambda locked: locked.tags.add(name),
        already_pending=lambda values: name in values["tags"],
        add_pending=lambda values: values.update(tags=sorted([*values["tags"], name])),
        note=f"タグ「{name}」を追加（一括操作）",
    )
