"""What the media library does: add an image, find where it is used, delete it
when nothing uses it, and write the Markdown that shows it in a body.

Where an image is used is asked of the articles each time, never stored: an
article uses an image when its body holds the image's stored name (every URL
of the file does, whatever the storage) or its cover is that very file, and a
live article's pending version counts as the article. A stored list would
have to follow every save, pending version, restore and continuation; a
query cannot go stale. Old revisions are not counted: they are history, and
an editor deleting an image decides that it is gone from them too.
"""

import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q

from articles.images import COVER_FORMATS, COVER_MAX_BYTES, COVER_WIDTHS, CleanImage, _rendition_name
from articles.models import Article
from editorial.exceptions import NotPermitted, WorkflowError
from editorial.models import PendingVersion

from .models import Image

DELETE_PERMISSION = "media_library.delete_image"
# ASCII punctuation that means something inline in the site's Markdown
# (emphasis, links, code, math, HTML, entities, strikethrough, tables).
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>$~|!&#])")


class ImageInUse(WorkflowError):
    """An image that articles still show; the message names them, in Japanese."""

    def __init__(self, uses):
        self.uses = uses
        super().__init__(
            f"この画像は {len(uses)} 件の記事で使われているため削除できません: "
            + "、".join(use.describe() for use in uses)
            + "。本文や表紙から外してから削除してください。"
        )


@dataclass
class Use:
    article: Article
    places: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"「{self.article.title}」（{'・'.join(self.places)}）"


def _using(name: str) -> Q:
    return Q(body__contains=name) | Q(cover=name)


def uses_of(image) -> list[Use]:
    """The articles that show ``image`` now or will when their pending version is
    published, each with where: 本文, 表紙, 未公開の変更の本文 or 未公開の変更の表紙."""
    name = image.file.name
    found: dict[int, Use] = {}
    for article in Article.objects.filter(_using(name)).order_by("pk"):
        use = found.setdefault(article.pk, Use(article))
        use.places += [
            place
            for place, holds in (("本文", name in article.body), ("表紙", article.cover.name == name))
            if holds
        ]
    # Only the pending version the change form would open (pending.pending_of): a stale
    # one is replaced by the article's next save and shows nothing to anyone.
    pending = PendingVersion.objects.filter(
        _using(name), article__status=Article.Status.PUBLISHED, based_on_version=F("article__version")
    ).select_related("article")
    for version in pending.order_by("article_id"):
        use = found.setdefault(version.article_id, Use(version.article))
        if name in version.body:
            use.places.append("未公開の変更の本文")
        if version.cover.name == name:
            use.places.append("未公開の変更の表紙")
    return [found[pk] for pk in sorted(found)]


def add_image(image, *, cleaned: CleanImage, by) -> Image:
    """Store ``cleaned`` (``editorial.uploads.checked_upload``'s result) as the file of
    the unsaved ``image``, whose description the caller has set and validated, and
    save it as uploaded by ``by``."""
    image.width, image.height = cleaned.width, cleaned.height
    image.size_bytes, image.format = len(cleaned.data), cleaned.format
    image.uploaded_by = by if by is not None and by.is_authenticated else None
    image.file.save(f"image{cleaned.suffix}", ContentFile(cleaned.data), save=False)
    try:
        image.save()
    except Exception:
        # The row is what makes a file findable: without it the file would be an orphan.
        image.file.storage.delete(image.file.name)
        raise
    return image


def delete_image(image, *, by) -> None:
    """Delete ``image`` and, once committed, its file and any cover renditions made
    from it; ImageInUse (naming the articles) while an article uses it, NotPermitted
    for anyone but an editor."""
    if by is not None and not by.has_perm(DELETE_PERMISSION):
        raise NotPermitted("画像を削除できるのは編集者だけです。")
    with transaction.atomic():
        # Locked so two editors deleting the same image do not both reach the file.
        locked = Image.objects.select_for_update().filter(pk=image.pk).first()
        if locked is None:
            return
        if uses := uses_of(locked):
            raise ImageInUse(uses)
        name, storage = locked.file.name, locked.file.storage
        locked.delete()
        transaction.on_commit(lambda: _delete_files(storage, name))


def _delete_files(storage, name: str) -> None:
    for stored in [name, *(_rendition_name(name, width) for width in COVER_WIDTHS)]:
        storage.delete(stored)


def cover_problem(image) -> str | None:
    """Why ``image`` cannot be an article's cover, in Japanese; None if it can."""
    if image.format not in COVER_FORMATS:
        return f"表紙にできるのは JPEG・PNG・WebP の画像だけです（この画像は {image.format}）。"
    if image.size_bytes > COVER_MAX_BYTES:
        return f"表紙にするには画像が大きすぎます（上限 {COVER_MAX_BYTES // (1024 * 1024)} MB）。"
    return None


def _escaped(text: str) -> str:
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def markdown_for(image) -> str:
    """The Markdown that shows ``image`` in a body: the image with its alt text and,
    on the next line (a hard break), its caption and credit in italics, which is
    what readers see under it. Everything the editor typed is escaped, so it
    reads as typed and cannot open a link or markup."""
    url = image.file.url
    if re.search(r"[\s()<>]", url):
        url = f"<{url}>"
    shown = image.caption.strip()
    if image.credit.strip():
        shown = f"{shown}（{image.credit.strip()}）" if shown else image.credit.strip()
    markdown = f"![{_escaped(image.alt)}]({url})"
    return f"{markdown}\\\n*{_escaped(shown)}*" if shown else markdown
