"""Pending versions: changes saved to a published article that readers do not
see until an editor publishes them (or discards them).

A save of a pending version moves the article's version on, as any save does,
so the optimistic lock (``editing.lock_for_edit``) keeps guarding it: a form
opened before another save, a publication or a discard is refused, not
allowed to overwrite what it never saw.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import F
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Author, Category

from . import revisions
from .exceptions import NotPermitted, WorkflowError
from .models import PendingVersion
from .roles import is_editor, may_save_changes

# What a pending version holds of the change form, beside the categories, tags and authors.
CONTENT_FIELDS = ("title", "slug", "body", "excerpt", "cover", "cover_alt")


def pending_of(article) -> PendingVersion | None:
    """``article``'s pending version, if it is published and nothing was saved
    to it since: one left behind when the article was archived and reopened
    and then edited is stale, and the next save replaces it."""
    if article.status != Article.Status.PUBLISHED:
        return None
    return PendingVersion.objects.filter(article=article, based_on_version=article.version).first()


def form_initial(pending) -> dict:
    """The change form's starting values for ``pending``: what the editor is working on."""
    return {
        **{field: getattr(pending, field) for field in CONTENT_FIELDS},
        "categories": list(pending.categories),
        # taggit's field and widget read tag objects; unsaved ones carry the names.
        "tags": [Tag(name=name) for name in pending.tags],
    }


def other_changes(article, pending) -> list[tuple[str, str, str]]:
    """(label, live, pending) for what differs beside the title, excerpt and body."""
    live = revisions.metadata_of(article)
    names = dict(Category.objects.filter(pk__in=pending.categories).values_list("pk", "name"))
    authors = dict(Author.objects.filter(pk__in=pending.authors).values_list("pk", "name"))
    rows = [
        ("スラッグ", article.slug, pending.slug),
        ("表紙画像", article.cover.name, pending.cover.name),
        ("表紙画像の説明", article.cover_alt, pending.cover_alt),
        (
            "カテゴリー",
            "、".join(live["category_names"]),
            "、".join(names[pk] for pk in pending.categories if pk in names),
        ),
        ("タグ", "、".join(live["tags"]), "、".join(pending.tags)),
        (
            "著者",
            "、".join(live["author_names"]),
            "、".join(authors[pk] for pk in pending.authors if pk in authors),
        ),
    ]
    return [row for row in rows if row[1] != row[2]]


def _next_version(article) -> None:
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.refresh_from_db(fields=["version"])


def _log(article, *, by, message) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[article], action_flag=CHANGE, change_message=message, single_object=True
    )


def save_pending(article, *, categories, tags, authors, by) -> PendingVersion:
    """Store ``article``'s unsaved field values (as the change form set them) with
    ``categories``, ``tags`` and ``authors`` (in order) as its pending version,
    replacing any earlier one. The caller holds the row lock and has checked the
    version and the user's right to save (``ArticleAdminForm.clean``)."""
    values = {field: getattr(article, field) for field in CONTENT_FIELDS}
    # A cover already stored is shared by name; a new upload is stored (and
    # cleaned) by the pending version's own CoverField.
    if getattr(article.cover, "_committed", True):
        values["cover"] = article.cover.name
    values.update(
        categories=[category.pk for category in categories],
        tags=sorted(tags),
        authors=[author.pk for author in authors],
        saved_by=by if by is not None and by.is_authenticated else None,
    )
    _next_version(article)
    pending, _ = PendingVersion.objects.update_or_create(
        article=article, defaults={**values, "based_on_version": article.version}
    )
    return pending


def restore_as_pending(article, revision, *, by) -> PendingVersion:
    """Make ``revision``'s content the pending version of the published ``article``,
    replacing any earlier one: restoring an old version of a live article is a
    change like any other, and an editor publishes it."""
    if revision.article_id != article.pk:
        raise ValueError("revision belongs to another article")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not may_save_changes(by, locked):
            raise NotPermitted("この記事を復元する権限がありません。")
        if locked.status != Article.Status.PUBLISHED:
            raise WorkflowError("公開中でない記事は、版をそのまま復元できます。画面を開き直してください。")
        metadata = revision.metadata
        locked.title, locked.body, locked.excerpt = revision.title, revision.body, revision.excerpt
        locked.slug = metadata.get("slug", locked.slug)
        live = revisions.metadata_of(locked)
        author_ids = metadata.get("authors") or live["authors"]
        authors = Author.objects.in_bulk(author_ids)
        proposed = save_pending(
            locked,
            categories=Category.objects.filter(pk__in=metadata.get("categories", live["categories"])),
            tags=metadata.get("tags", live["tags"]),
            authors=[authors[pk] for pk in author_ids if pk in authors],
            by=by,
        )
        _log(locked, by=by, message=f"第{revision.version}版の内容を未公開の変更にしました。")
    return proposed


def _locked_with_pending(article, *, by, refusal):
    if not is_editor(by):
        raise NotPermitted(refusal)
    locked = Article.objects.select_for_update().get(pk=article.pk)
    pending = pending_of(locked)
    if pending is None:
        raise WorkflowError("この記事に未公開の変更はありません（ほかの人がすでに公開または破棄しました）。")
    return locked, pending


def publish_pending(article, *, by) -> Article:
    """Make ``article``'s pending version its live content, as a new version and
    revision; its "updated" date moves, and the reader pages that show it are told.
    Editors only."""
    with transaction.atomic():
        locked, pending = _locked_with_pending(
            article, by=by, refusal="未公開の変更を公開できるのは編集者だけです。"
        )
        if locked.status != Article.Status.PUBLISHED:
            raise WorkflowError(
                f"この記事は「{locked.get_status_display()}」のため、未公開の変更としては公開できません。"
            )
        if Article.objects.exclude(pk=locked.pk).filter(slug=pending.slug).exists():
            # Free when the pending version was saved, taken since by another article.
            raise WorkflowError(
                f"スラッグ「{pending.slug}」はほかの記事が使っています。別のスラッグにして保存してから公開してください。"
            )
        for field in CONTENT_FIELDS:
            setattr(locked, field, getattr(pending, field))
        locked.cover = pending.cover.name
        locked.save()
        locked.categories.set(Category.objects.filter(pk__in=pending.categories))
        locked.tags.set(pending.tags)
        if pending.authors:
            locked.article_authors.all().delete()
            for position, author_id in enumerate(pending.authors):
                ArticleAuthor.objects.create(article=locked, author_id=author_id, position=position)
        pending.delete()
        revisions.commit_content_change(locked, by=by, note="未公開の変更を公開")
        _log(locked, by=by, message="未公開の変更を公開しました。")
    article.refresh_from_db()
    return article


def discard_pending(article, *, by) -> None:
    """Drop ``article``'s pending version; the live content stays as it is. Editors only."""
    with transaction.atomic():
        locked, pending = _locked_with_pending(
            article, by=by, refusal="未公開の変更を破棄できるのは編集者だけです。"
        )
        pending.delete()
        _next_version(locked)
        _log(locked, by=by, message="未公開の変更を破棄しました。")
    article.refresh_from_db(fields=["version"])
