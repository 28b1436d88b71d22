"""Autosave: the article form as its writer left it, kept on the server.

The browser sends the form's content fields a couple of seconds after typing
stops (``autosave.js``); each save replaces the person's one row for that
article. Saving the article drops it. Opening the article again while a row
differs from what the form would show offers to restore it, with a diff; a
restored form carries the version the autosave was typed against, so a save
over someone else's later one is caught by the edit lock as any other.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from allforces.parameters import whole_number
from articles.models import Article, Category
from editorial.limits import body_too_long
from editorial.pending import pending_of
from editorial.revisions import DiffRow, diff_fields

from .models import Autosave

# What is kept of the form: its text fields and classification; the byline and
# cover image are not (see docs/writing.md).
TEXT_FIELDS = ("title", "slug", "body", "excerpt", "cover_alt", "tags")
MAX_LENGTHS = {"title": 200, "slug": Article.SLUG_MAX_LENGTH, "excerpt": 2000, "cover_alt": 200, "tags": 2000}


class Refused(ValueError):
    """An autosave that cannot be kept, with the reason in Japanese."""


def cleaned_fields(raw) -> dict:
    """The fields of an autosave request, checked; NUL characters (which the
    database cannot store, and the form's save explains) are dropped here so
    that nothing else typed is lost."""
    if not isinstance(raw, dict):
        raise Refused("自動保存の内容が読めません。")
    fields = {}
    for name in TEXT_FIELDS:
        value = raw.get(name, "")
        if not isinstance(value, str):
            raise Refused(f"自動保存の「{name}」が文字列ではありません。")
        value = value.replace("\x00", "")
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            raise Refused(f"「{name}」が長すぎて自動保存できません（{len(value)} 文字、上限 {limit} 文字）。")
        fields[name] = value
    if reason := body_too_long(fields["body"]):
        raise Refused(reason)
    categories = raw.get("categories", [])
    numbers = [whole_number(pk) for pk in categories] if isinstance(categories, list) else [None]
    if None in numbers:
        raise Refused("自動保存のカテゴリーが読めません。")
    fields["categories"] = numbers[:100]
    return fields


# New articles never saved, kept per person: the newest few (a forgotten tab's are let go).
NEW_ARTICLES_KEPT = 5


def store(
    user, *, article=None, draft_key=None, version=None, fields, written_at=None
) -> tuple[Autosave, bool]:
    """Keep ``fields`` as ``user``'s autosave of ``article`` (or of the new article
    ``draft_key``); return the row and whether it was kept. A copy written before the
    one the server holds (a browser's leftover from an offline spell, sent late) does
    not replace it."""
    key = (
        {"user": user, "article": article} if article is not None else {"user": user, "draft_key": draft_key}
    )
    with transaction.atomic():
        held = Autosave.objects.select_for_update().filter(**key).first()
        if held is not None and written_at and held.written_at and written_at < held.written_at:
            return held, False
        saved, _ = Autosave.objects.update_or_create(
            **key,
            defaults={
                "fields": fields,
                "based_on_version": version,
                "saved_at": timezone.now(),
                "written_at": written_at,
            },
        )
        if article is None:
            stale = Autosave.objects.filter(user=user, article__isnull=True).order_by("-saved_at")[
                NEW_ARTICLES_KEPT:
            ]
            Autosave.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return saved, True


def current_fields(article) -> dict:
    """What the change form shows of ``article`` now (its pending version, if live with one)."""
    source = pending_of(article) or article
    tags = source.tags if isinstance(source.tags, list) else [tag.name for tag in article.tags.all()]
    categories = (
        source.categories
        if isinstance(source.categories, list)
        else list(article.categories.values_list("pk", flat=True))
    )
    return {
        "title": source.title,
        "slug": source.slug,
        "body": source.body,
        "excerpt": source.excerpt,
        "cover_alt": source.cover_alt,
        "tags": ", ".join(sorted(tags)),
        "categories": sorted(categories),
    }


def _same(autosaved: dict, current: dict) -> bool:
    def tags(value):
        return sorted(name.strip() for name in value.split(",") if name.strip())

    return all(
        autosaved.get(name, "") == current[name] for name in ("title", "slug", "body", "excerpt", "cover_alt")
    ) and (
        tags(autosaved.get("tags", "")) == tags(current["tags"])
        and sorted(autosaved.get("categories", [])) == current["categories"]
    )


@dataclass
class Offer:
    autosave: Autosave
    diff: dict[str, list[DiffRow]]
    saved_since: bool  # the article was saved (by anyone) after this autosave began

    @property
    def other_changes(self) -> bool:
        return not self.diff


def offer_for(user, article) -> Offer | None:
    """``user``'s autosave of ``article`` to offer for restoring, if it holds
    something the form would not show; an autosave that says nothing new is dropped."""
    autosave = Autosave.objects.filter(user=user, article=article).first()
    if autosave is None:
        return None
    current = current_fields(article)
    if _same(autosave.fields, current):
        autosave.delete()
        return None
    return Offer(
        autosave=autosave,
        diff=diff_fields(current, autosave.fields),
        saved_since=autosave.based_on_version is not None and autosave.based_on_version != article.version,
    )


def latest_new_article(user) -> Autosave | None:
    """``user``'s most recent autosave of an article never saved."""
    return Autosave.objects.filter(user=user, article__isnull=True).order_by("-saved_at").first()


def form_initial(autosave) -> dict:
    fields = autosave.fields
    initial = {name: fields.get(name, "") for name in TEXT_FIELDS if name != "tags"}
    initial["tags"] = fields.get("tags", "")
    initial["categories"] = list(
        Category.objects.filter(pk__in=fields.get("categories", [])).values_list("pk", flat=True)
    )
    return initial


def forget(user, *, article=None, draft_key=None) -> None:
    """Drop ``user``'s autosave once the article's form was saved (or the offer declined)."""
    if article is not None:
        Autosave.objects.filter(user=user, article=article).delete()
    if draft_key is not None:
        Autosave.objects.filter(user=user, draft_key=draft_key).delete()
