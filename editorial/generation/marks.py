"""When a person has edited a generated pass: its mark as machine-written goes.

A generated pass is "edited" once a person's save leaves one of its own
paragraphs (those after the text it repeats) changed or gone from the body
while the passes, assembled, still have it. The second condition keeps a
pass that is simply off the chosen path (an editor picked another
alternative) from counting as edited.
"""

from django.utils import timezone

from ..continuation.stitching import find_overlap
from ..models import GenerationAttempt, SegmentPath


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def own_text(segment) -> str:
    """What ``segment`` adds after the part of its parent it repeats."""
    parent = segment.parent
    overlap = find_overlap(parent.text, segment.text) if parent else None
    return segment.text[overlap.child_end :] if overlap else segment.text


def note_edits(article, *, by) -> int:
    """Mark the generated passes ``by``'s save has edited; how many."""
    if by is None or article.status == article.Status.PUBLISHED:
        # The system's saves are not a person's; a live article's edits wait in
        # its pending version, and the generator only writes before publication.
        return 0
    unedited = GenerationAttempt.objects.filter(
        article=article, segment__isnull=False, edited_at__isnull=True
    ).select_related("segment__parent")
    if not unedited:
        return 0
    assembled = SegmentPath.objects.filter(article=article).values_list("assembled_body", flat=True).first()
    if assembled is None:
        return 0
    assembled_paragraphs = _paragraphs(assembled)
    body_paragraphs = set(_paragraphs(article.body))
    if set(assembled_paragraphs) == body_paragraphs:
        return 0

    def edited(segment) -> bool:
        # A pass's first paragraph may finish its parent's: compare the whole paragraphs it is part of.
        return any(
            whole not in body_paragraphs
            for part in _paragraphs(own_text(segment))
            for whole in assembled_paragraphs
            if part in whole
        )

    changed = [attempt.pk for attempt in unedited if edited(attempt.segment)]
    return GenerationAttempt.objects.filter(pk__in=changed).update(edited_by=by, edited_at=timezone.now())
