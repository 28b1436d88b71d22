"""Adding a category or a tag to an article outside its form (the list's bulk
actions): a content change like a save of the form, with the same rules.

Who may edit the article is checked under the row lock; the change raises the
version (an editor's open form then sees a conflict rather than dropping the
new label when saved) and stores a revision; a scheduled article goes back to
review, as after any edit, so nothing goes live that no editor approved.
"""

from django.db import transaction

from articles.models import Article

from . import revisions
from .exceptions import NotPermitted, WorkflowError
from .roles import may_edit_content


def _change(article, *, by, already, add, note) -> bool:
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not may_edit_content(by, locked):
            raise NotPermitted(
                f"この記事は「{locked.get_status_display()}」のため変更できません"
                "（ライターが変更できるのは、下書きと続き待ちの自分の記事だけです）。"
            )
        if already(locked):
            return False
        add(locked)
        revisions.commit_content_change(locked, by=by, note=note)
    article.refresh_from_db()
    return True


def add_category(article, category, *, by) -> bool:
    """Put ``article`` in ``category`` too; False if it already was."""
    return _change(
        article,
        by=by,
        already=lambda locked: locked.categories.filter(pk=category.pk).exists(),
        add=lambda locked: locked.categories.add(category),
        note=f"カテゴリー「{category.name}」を追加（一括操作）",
    )


def add_tag(article, name: str, *, by) -> bool:
    """Tag ``article`` with ``name`` (made if new); False if it already had it."""
    name = name.strip()
    if not name:
        raise WorkflowError("タグの名前を入力してください。")
    return _change(
        article,
        by=by,
        already=lambda locked: name in locked.tags.names(),
        add=lambda locked: locked.tags.add(name),
        note=f"タグ「{name}」を追加（一括操作）",
    )
