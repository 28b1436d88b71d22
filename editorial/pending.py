"""Pending versions: changes saved to a published article that readers do not
see until an editor publishes them (or discards them).

A save of a pending version moves the article's version on, as any save does,
so the optimistic lock (``editing.lock_for_edit``) keeps guarding it: a form
opened before another save, a publication or a discard is refused, not
allowed to overwrite what it never saw.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Author, Category

from . import notifications, revisions, tasks
from .exceptions import NotPermitted, WorkflowError
from .models import Notification, PendingVersion
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


def current_pending():
    """Every pending version that ``pending_of`` would return, as one queryset."""
    return PendingVersion.objects.filter(
        article__status=Article.Status.PUBLISHED, based_on_version=F("article__version")
    )


def working_copy(article):
    """What an editor works on for ``article``: its pending version if it has one, else the article."""
    return pending_of(article) or article


def _stored(proposed) -> dict:
    return {
        **{field: getattr(proposed, field) for field in CONTENT_FIELDS},
        "cover": proposed.cover.name,
        "categories": sorted(proposed.categories),
        "tags": sorted(proposed.tags),
        "authors": list(proposed.authors),
    }


def values_of(article) -> dict:
    """The content of ``article``'s pending version, or of the live article if it
    has none, as ``save_pending`` stores it: where a change outside the form starts."""
    proposed = pending_of(article)
    if proposed is not None:
        return _stored(proposed)
    live = revisions.metadata_of(article)
    return {
        **{field: getattr(article, field) for field in CONTENT_FIELDS},
        "cover": article.cover.name,
        "categories": live["categories"],
        "tags": live["tags"],
        "authors": live["authors"],
    }


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


def _store(article, values, *, by) -> PendingVersion:
    """Write ``values`` as ``article``'s pending version, at the article's next version.

    A review in progress stays: the editor has approved nothing yet and reviews
    what is there when they open it. A schedule does not: the editor approved
    other content, so the change goes back to review, and ``cleared_schedule``
    on the result says from when (None if nothing was scheduled). Values equal
    to the pending version's change nothing (``unchanged``): the banner's buttons
    save the form first, and pressing one must not clear the schedule it acts on."""
    # Which categories and tags, not in what order: the form and the bulk actions list them differently.
    values = {**values, "categories": sorted(values["categories"]), "tags": sorted(values["tags"])}
    earlier = PendingVersion.objects.filter(article=article).first()
    if earlier is not None and earlier.based_on_version == article.version and _stored(earlier) == values:
        earlier.cleared_schedule, earlier.unchanged = None, True
        return earlier
    review = {"cleared_schedule": None}
    if earlier is None or earlier.based_on_version != article.version:
        # None, or left behind by an archive: its review was of another article's state.
        review.update(REVIEW_CLEARED)
    elif earlier.publish_at is not None:
        review.update(
            cleared_schedule=earlier.publish_at,
            publish_at=None,
            scheduled_by=None,
            submitted_at=timezone.now(),
            comment="公開予約のあとに内容が変わったため、再承認が必要です。",
        )
    cleared_schedule = review.pop("cleared_schedule")
    _next_version(article)
    pending, _ = PendingVersion.objects.update_or_create(
        article=article,
        defaults={
            **values,
            **review,
            "saved_by": by if by is not None and by.is_authenticated else None,
            "based_on_version": article.version,
        },
    )
    pending.cleared_schedule, pending.unchanged = cleared_schedule, False
    return pending


# A pending version's review, as it is before anyone sent it to review.
REVIEW_CLEARED = {
    "submitted_at": None,
    "submitted_by": None,
    "comment": "",
    "sent_back_at": None,
    "sent_back_by": None,
    "sent_back_comment": "",
    "publish_at": None,
    "scheduled_by": None,
}


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
    )
    return _store(article, values, by=by)


def propose(article, *, by, change) -> PendingVersion:
    """Apply ``change`` (a function that edits a dict of ``values_of``) to the
    published ``article``'s pending version, starting one from the live content
    if it has none: how a change made outside the form (the continuation panel,
    a bulk action) waits for an editor like a save of the form. The caller holds
    the row lock and has checked the user's right to save."""
    values = values_of(article)
    change(values)
    return _store(article, values, by=by)


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


def slug_problem(article, pending) -> str:
    """Why ``pending`` cannot go live under its slug, or ""."""
    if Article.objects.exclude(pk=article.pk).filter(slug=pending.slug).exists():
        # Free when the pending version was saved, taken since by another article.
        return f"スラッグ「{pending.slug}」はほかの記事が使っています。別のスラッグにして保存してから公開してください。"
    return ""


def apply(locked, pending, *, by, note) -> None:
    """Make ``pending`` the live content of the published, row-locked ``locked``
    and delete it, in the caller's transaction: a new version and revision,
    "updated" moves, and the reader pages that show it are told. An editor's
    "publish now" and the scheduler both come here."""
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
    settle_review_notices(locked)
    revisions.commit_content_change(locked, by=by, note=note)
    _tell_authors_of_publication(locked, by=by)


def _tell_authors_of_publication(article, *, by) -> None:
    """The writers of a live article hear that a change to it went live, as they hear
    of its first publication: in the admin and by e-mail."""
    writers = get_user_model().objects.filter(author_profile__article_links__article=article, is_active=True)
    rows = notifications.record_event(
        Notification.Kind.PUBLISHED,
        article,
        recipients=writers,
        actor=by,
        text="公開中の記事への変更が公開されました。",
    )
    if any(row.email_status == Notification.Email.PENDING for row in rows):
        transaction.on_commit(tasks.send_notifications.delay, robust=True)


def settle_review_notices(article) -> None:
    """Mark the editors' unread "sent to review" notices of ``article``'s change
    read: the change has left review (published, scheduled, sent back, discarded),
    so their desk no longer asks them to review it."""
    Notification.objects.filter(
        article=article, kind=Notification.Kind.UPDATE_SUBMITTED, read_at__isnull=True
    ).update(read_at=Now())


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
        if problem := slug_problem(locked, pending):
            raise WorkflowError(problem)
        apply(locked, pending, by=by, note="未公開の変更を公開")
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
        settle_review_notices(locked)
        _next_version(locked)
        _log(locked, by=by, message="未公開の変更を破棄しました。")
    article.refresh_from_db(fields=["version"])
