"""When a person has edited a generated pass: its mark as machine-written goes.

A generated pass is "edited" once a person's save leaves one of its own
paragraphs (those after the text it repeats) changed or gone from the body
while the passes, assembled, still have it. A paragraph the pass shares with
the pass before or after it counts by the pass's own part of it. The second condition keeps a
pass that is simply off the chosen path (an editor picked another
alternative) from counting as edited.
"""

from django.utils import timezone

from ..continuation.stitching import find_overlap
from ..models import GenerationAttempt, SegmentPath

# A shorter piece of a shared paragraph ("う。" finishing the parent's sentence)
# would be found anywhere, or nowhere after any edit: it tells nothing.
MIN_PARTIAL = 10


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
    assembled_paragraphs = set(_paragraphs(assembled))
    body_paragraphs = set(_paragraphs(article.body))
    if assembled_paragraphs == body_paragraphs:
        return 0

    def part_edited(part: str) -> bool:
        if part in assembled_paragraphs:  # a whole paragraph of the pass
            return part not in body_paragraphs
        if len(part) < MIN_PARTIAL:
            return False
        # The pass's part of a paragraph it shares (finishing its parent's sentence, or
        # finished by its child's): that part must still end (or start) a paragraph; an
        # edit of the other pass's half is not an edit of this one.
        for whole in assembled_paragraphs:
            if whole.endswith(part):
                return not any(paragraph.endswith(part) for paragraph in body_paragraphs)
            if whole.startswith(part):
                return not any(paragraph.startswith(part) for paragraph in body_paragraphs)
        return False

    def edited(segment) -> bool:
        return any(part_edited(part) for part in _paragraphs(own_text(segment)))

    changed = [attempt.pk for attempt in unedited if edited(attempt.segment)]
    return GenerationAttempt.objects.filter(pk__in=changed).update(edited_by=by, edited_at=timezone.now())
