"""Adding a pass that arrives by itself (the API, the generator): joined by
overlap exactly as the continuation page joins it, or refused.

The page shows a person a join it cannot find and lets them confirm it; a
machine cannot confirm, and appending its text anyway would put an
unstitched seam in the body. So a pass that repeats nothing of the text it
continues, or would make the body too long, is refused and nothing changes.
"""

from .. import pending
from ..exceptions import WorkflowError
from ..limits import body_too_long
from ..models import Segment
from . import segments
from .stitching import find_overlap


class Unjoinable(WorkflowError):
    """The pass could not be joined; the message says why, in Japanese."""


def parent_for(article, text: str, parent: Segment | None = None) -> Segment | None:
    """The segment ``text`` continues (``parent`` if given, else found by overlap);
    refuse a pass that repeats nothing of it."""
    if parent is None:
        parent, _ = segments.detect_parent(text, segments.segments_of(article))
    parent_text = parent.text if parent else pending.working_copy(article).body
    if parent_text.strip() and find_overlap(parent_text, text) is None:
        label = f"部分 #{parent.pk}" if parent else "今の本文"
        raise Unjoinable(
            f"この続きは{label}の終わりと重なる箇所がないため、つなげられません。"
            "前の部分の末尾を繰り返してから続けるか、parent で続きの元を指定してください。"
        )
    return parent


def add_pass(article, *, text: str, by, source: str, parent: Segment | None = None):
    """Check, join and add ``text``; the new segment and the assembly report."""
    if reason := body_too_long(text, what="続きの本文"):
        raise Unjoinable(reason)
    parent = parent_for(article, text, parent)
    return segments.add_segment(article, text=text, by=by, source=source, parent=parent)
