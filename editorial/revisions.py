"""Revisions: a snapshot on every save of an article's content, diffs between
any two, and restoring one (which is itself a new revision)."""

import difflib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import freshness
from articles.models import Article, ArticleAuthor, Category

from . import workflow
from .exceptions import NotPermitted, WorkflowError
from .generation import marks as generation_marks
from .models import Revision
from .roles import may_edit_content


def metadata_of(article) -> dict:
    # One query for the categories' ids and names, one for the authors: every save of content reads them.
    categories = list(article.categories.order_by("pk").values_list("pk", "name"))
    links = list(ArticleAuthor.authors_in_order().filter(article=article))
    return {
        "slug": article.slug,
        "tags": sorted(article.tags.names()),
        "categories": [pk for pk, _ in categories],
        "category_names": [name for _, name in categories],
        "authors": [link.author_id for link in links],
        "author_names": [link.author.name for link in links],
    }


def revision_of(article, *, by, note="", metadata: dict | None = None) -> Revision:
    """The article's current content as an unsaved revision at its current version.

    ``metadata`` is what ``metadata_of`` would read, for a caller that already
    holds it (the importer saves a thousand articles' revisions at once)."""
    return Revision(
        article=article,
        version=article.version,
        title=article.title,
        body=article.body,
        excerpt=article.excerpt,
        metadata=metadata if metadata is not None else metadata_of(article),
        author=by if by is not None and by.is_authenticated else None,
        # A note names things (an imported file's path) that may be longer than the column.
        note=note[: Revision._meta.get_field("note").max_length],
    )


def record_revision(article, *, by, note="", metadata: dict | None = None) -> Revision:
    """Store the article's current content as a revision at its current version."""
    revision = revision_of(article, by=by, note=note, metadata=metadata)
    revision.save()
    return revision


def commit_content_change(article, *, by, note="", bump=True) -> bool:
    """What follows every save of an article's content: the next version, a
    revision, and what the change means for the stage (see
    ``workflow.content_saved``). Returns True if the stage moved."""
    if bump:
        Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
        article.refresh_from_db(fields=["version"])
    record_revision(article, by=by, note=note)
    generation_marks.note_edits(article, by=by)
    if article.status == Article.Status.PUBLISHED:
        freshness.content_changed([article.pk])
    return workflow.content_saved(article, by=by)


def restore_revision(article, revision, *, by) -> Revision:
    """Make ``revision``'s content current again, as a new revision."""
    if revision.article_id != article.pk:
        raise ValueError("revision belongs to another article")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not may_edit_content(by, locked):
            raise NotPermitted("この記事を復元する権限がありません。")
        if locked.status == Article.Status.PUBLISHED:
            # A live article's restore waits for an editor (editorial.pending.restore_as_pending).
            raise WorkflowError(
                "公開中の記事は、復元した内容を未公開の変更として保存します。画面を開き直してください。"
            )
        locked.title = revision.title
        locked.body = revision.body
        locked.excerpt = revision.excerpt
        locked.save()
        metadata = revision.metadata
        if "tags" in metadata:
            locked.tags.set(metadata["tags"])
        if "categories" in metadata:
            locked.categories.set(Category.objects.filter(pk__in=metadata["categories"]))
        if metadata.get("authors"):
            locked.article_authors.all().delete()
            for position, author_id in enumerate(metadata["authors"]):
                ArticleAuthor.objects.create(article=locked, author_id=author_id, position=position)
        commit_content_change(locked, by=by, note=f"第{revision.version}版から復元")
    article.refresh_from_db()
    return Revision.objects.filter(article=article).first()


@dataclass
class DiffRow:
    kind: str  # "equal", "insert", "delete", "replace"
    old: str
    new: str


def _inline_diff(old: str, new: str) -> tuple[str, str]:
    """Character-level marks inside a changed line: Japanese has no spaces,
    so a word diff would mark whole sentences."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    old_parts, new_parts = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            old_parts.append(escape(old[a1:a2]))
            new_parts.append(escape(new[b1:b2]))
        else:
            if a2 > a1:
                old_parts.append(f"<del>{escape(old[a1:a2])}</del>")
            if b2 > b1:
                new_parts.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return mark_safe("".join(old_parts)), mark_safe("".join(new_parts))


def diff_text(old: str, new: str) -> list[DiffRow]:
    """Line-by-line rows for a side-by-side diff, with character marks in changed lines."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(DiffRow("equal", escape(line), escape(line)) for line in old_lines[a1:a2])
        elif op == "replace":
            pairs = max(a2 - a1, b2 - b1)
            for offset in range(pairs):
                old_line = old_lines[a1 + offset] if a1 + offset < a2 else ""
                new_line = new_lines[b1 + offset] if b1 + offset < b2 else ""
                rows.append(DiffRow("replace", *_inline_diff(old_line, new_line)))
        elif op == "delete":
            rows.extend(DiffRow("delete", escape(line), "") for line in old_lines[a1:a2])
        else:
            rows.extend(DiffRow("insert", "", escape(line)) for line in new_lines[b1:b2])
    return rows


def diff_fields(old: dict, new: dict) -> dict[str, list[DiffRow]]:
    """Diffs of title, excerpt and body between two snapshots (revisions or forms)."""
    return {
        label: diff_text(old.get(field, ""), new.get(field, ""))
        for field, label in (("title", "タイトル"), ("excerpt", "抜粋"), ("body", "本文"))
        if old.get(field, "") != new.get(field, "")
    }


def as_snapshot(source) -> dict:
    return {"title": source.title, "excerpt": source.excerpt, "body": source.body}
