"""What the admin's continuation panel shows: the segment tree, its joins and alternatives."""

from dataclasses import dataclass
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import mark_safe

from writing.counts import Counts, counts_of_markdown

from ..models import GenerationAttempt
from ..revisions import diff_text
from .segments import assemble, segments_of
from .stitching import Overlap, continuation_start, find_overlap


@dataclass
class Node:
    segment: object
    depth: int
    on_path: bool
    is_leaf: bool
    overlap: Overlap | None
    generation: object = None  # the GenerationAttempt that wrote it, for a generated pass

    @cached_property
    def counts(self) -> Counts:
        """The segment's own counts, as the editor's count line counts (writing/counts.py)."""
        return counts_of_markdown(self.segment.text)


def tree(article):
    """Segments in depth-first order with their depth, path membership and join,
    the alternatives beside each other, and the assembly."""
    assembly = assemble(article, segments_of(article))
    segments = assembly.segments
    generated = {
        attempt.segment_id: attempt
        for attempt in GenerationAttempt.objects.filter(segment__in=segments).select_related(
            "prompt", "edited_by"
        )
    }
    nodes = nodes_of(assembly, generated)
    by_id = {segment.pk: segment for segment in segments}
    # Every alternative beside the one written before it.
    alternatives = [
        (by_id[parent_id], (earlier, later), diff_text(earlier.text, later.text))
        for parent_id, siblings in _children(segments).items()
        if parent_id is not None
        for earlier, later in zip(siblings, siblings[1:], strict=False)
    ]
    return nodes, alternatives, assembly


def nodes_of(assembly, generated=None) -> list[Node]:
    """The assembly's segments in depth-first order with their depth, path membership
    and join; ``generated`` maps a segment's id to the GenerationAttempt that wrote it."""
    segments = assembly.segments
    generated = generated or {}
    on_path = {segment.pk for segment in assembly.path}
    children = _children(segments)
    by_id = {segment.pk: segment for segment in segments}
    nodes = []

    def visit(segment, depth):
        parent = by_id.get(segment.parent_id)
        overlap = find_overlap(parent.text, segment.text) if parent else None
        nodes.append(
            Node(
                segment,
                depth,
                segment.pk in on_path,
                segment.pk not in children,
                overlap,
                generated.get(segment.pk),
            )
        )
        for child in children.get(segment.pk, []):
            visit(child, depth + 1)

    for root in children.get(None, []):
        visit(root, 0)
    return nodes


def _children(segments) -> dict:
    children = {}
    for segment in segments:
        children.setdefault(segment.parent_id, []).append(segment)
    return children


def highlighted_join(parent_text: str, child_text: str, overlap: Overlap | None, context=120):
    """The end of the parent and the start of the child with the repeated part marked."""
    if overlap is None:
        return mark_safe(escape(parent_text[-context:])), mark_safe(escape(child_text[:context]))
    parent_html = (
        escape(parent_text[max(0, overlap.parent_start - context) : overlap.parent_start])
        + "<mark>"
        + escape(parent_text[overlap.parent_start : overlap.parent_end])
        + "</mark>"
    )
    head = continuation_start(child_text)
    child_html = (
        escape(child_text[:head])
        + "<mark>"
        + escape(child_text[head : overlap.child_end])
        + "</mark>"
        + escape(child_text[overlap.child_end : overlap.child_end + context])
    )
    return mark_safe(parent_html), mark_safe(child_html)
