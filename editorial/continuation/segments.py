"""Segments of an article's body: adding them, choosing a path, assembling the body.

The body is the stitched text of one path from the root segment to a leaf.
By default that path ends at the most recently added leaf; an editor may
choose another. Re-assembling never silently discards hand edits: a body
that differs from what the segments last produced is kept as a revision
first and the report says so.

Adding a segment or choosing a path does not change a published article's
body: the assembled body becomes (part of) its pending version, which readers
see once an editor publishes it, and the hand edits compared are those of the
pending version. An import (``replace_segments``) restores what its source
says and writes the body itself.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction

from articles.models import Article

from .. import pending, revisions
from ..exceptions import NotPermitted, WorkflowError
from ..limits import body_too_long
from ..models import PendingVersion, Revision, Segment, SegmentPath
from ..roles import may_save_changes
from .stitching import Join, overlap_score, stitch_all


@dataclass
class Assembly:
    body: str
    path: list[Segment]
    joins: list[Join]
    segments: list[Segment] = field(default_factory=list)  # every segment, the path's and the others


@dataclass
class AssemblyReport:
    assembly: Assembly
    changed: bool
    kept_hand_edits: Revision | None = None
    hand_edit_diff: dict = field(default_factory=dict)
    pending_version: PendingVersion | None = None  # where a published article's new body went


# The order passes were written in is the order the database numbered them: segments of one
# article are added one at a time, under a lock on the article. Not created_at, which is the
# clock of whichever server or worker added the pass: a second of skew between two of them
# would reorder passes sent in quick succession (and with them the latest leaf and ties).
def _written_order(segment: Segment):
    return segment.pk


def segments_of(article) -> list[Segment]:
    return list(Segment.objects.filter(article=article).order_by("id"))


def latest_leaf(segments: list[Segment]) -> Segment | None:
    parents = {segment.parent_id for segment in segments}
    leaves = [segment for segment in segments if segment.pk not in parents]
    return max(leaves, key=_written_order, default=None)


def path_to(leaf: Segment, segments: list[Segment]) -> list[Segment]:
    by_id = {segment.pk: segment for segment in segments}
    path, node = [], leaf
    while node is not None:
        path.append(node)
        node = by_id.get(node.parent_id)
    return path[::-1]


def chosen_leaf(article, segments: list[Segment], state: SegmentPath | None = None) -> Segment | None:
    state = state or SegmentPath.objects.filter(article=article).first()
    ids = {segment.pk for segment in segments}
    if state and state.leaf_id in ids:
        leaf = next(segment for segment in segments if segment.pk == state.leaf_id)
        if not any(segment.parent_id == leaf.pk for segment in segments):
            return leaf
    return latest_leaf(segments)


def assemble(article, segments: list[Segment] | None = None, *, state: SegmentPath | None = None) -> Assembly:
    """The body ``segments`` give along the chosen path; ``state`` is the article's
    SegmentPath for a caller that holds it (read if not given)."""
    segments = segments_of(article) if segments is None else segments
    leaf = chosen_leaf(article, segments, state)
    if leaf is None:
        return Assembly(body=article.body, path=[], joins=[])
    path = path_to(leaf, segments)
    body, joins = stitch_all([segment.text for segment in path])
    return Assembly(body=body.strip() + "\n", path=path, joins=joins, segments=segments)


def detect_parent(text: str, segments: list[Segment]) -> tuple[Segment | None, int]:
    """The segment whose end ``text`` continues best, and the overlap length.

    Ties go to the most recent segment. With no overlap anywhere the text
    continues the current body (the latest leaf), with a score of 0.
    """
    best, best_score = None, 0
    for segment in sorted(segments, key=_written_order, reverse=True):
        score = overlap_score(segment.text, text)
        if score > best_score:
            best, best_score = segment, score
    if best is None:
        return latest_leaf(segments), 0
    return best, best_score


def plan_tree(texts: list[str]) -> list[int | None]:
    """For passes in the order written, the index of the pass each continues
    (None for the first), as adding them one by one would detect."""
    parents: list[int | None] = []
    for index, text in enumerate(texts):
        if index == 0:
            parents.append(None)
            continue
        best_score, best = max((overlap_score(texts[earlier], text), earlier) for earlier in range(index))
        if best_score == 0:  # no overlap anywhere: continue the latest leaf
            best = max(i for i in range(index) if i not in parents)
        parents.append(best)  # equal scores: max() keeps the later pass
    return parents


def assemble_texts(texts: list[str]) -> str:
    """The body ``texts`` would give as an article's segments, without saving them."""
    if not texts:
        return ""
    parents = plan_tree(texts)
    node = max(i for i in range(len(texts)) if i not in parents)  # the latest leaf
    path = []
    while node is not None:
        path.append(texts[node])
        node = parents[node]
    body, _ = stitch_all(path[::-1])
    return body.strip() + "\n"


def _check(article, by):
    # A writer's own published article too: its new body waits as a pending version.
    if by is not None and not may_save_changes(by, article):
        raise NotPermitted("この記事の本文を変更する権限がありません。")


def _root_from_existing_body(article, state: SegmentPath, *, by) -> Segment | None:
    """An article typed before any segment existed (the caller found none): its body
    (a published article's pending body, if it has one) becomes the first segment."""
    body = pending.working_copy(article).body
    if body.strip():
        segment = Segment.objects.create(
            article=article, text=body, source=Segment.Source.ADMIN, created_by=by
        )
        state.assembled_body = body
        return segment
    return None


def _write_body(
    article, assembly: Assembly, state: SegmentPath, *, by, note, live_waits=True
) -> AssemblyReport:
    """Store ``assembly`` as the article's body (or its pending version) and ``state``
    (the caller's SegmentPath, with the leaf it chose) with the body it assembled."""
    # Each pass may fit the limit while the passes joined do not; refusing here
    # undoes the caller's transaction, the new segment included.
    if reason := body_too_long(assembly.body, what="組み立てた本文"):
        raise WorkflowError(reason)
    live = live_waits and article.status == Article.Status.PUBLISHED
    current = pending.working_copy(article) if live else article
    report = AssemblyReport(assembly=assembly, changed=assembly.body != current.body)
    hand_edited = state.assembled_body.strip() and current.body.strip() != state.assembled_body.strip()
    if hand_edited and report.changed:
        kept = revisions.revision_of(article, by=by, note="手で編集した本文（組み立て直す前に保存）")
        # A published article's hand edits may be in its pending version, which no revision holds yet.
        kept.title, kept.body, kept.excerpt = current.title, current.body, current.excerpt
        kept.save()
        report.kept_hand_edits = kept
        report.hand_edit_diff = revisions.diff_fields({"body": current.body}, {"body": assembly.body})
    state.assembled_body = assembly.body
    state.save(update_fields=["leaf", "assembled_body"])
    if report.changed and live:
        report.pending_version = pending.propose(
            article, by=by, change=lambda values: values.update(body=assembly.body)
        )
    elif report.changed:
        article.body = assembly.body
        # Only the body changes here (the row was read under its lock): a full save would
        # also rebuild the article's listings, which follow its stage and date, not its body.
        article.save(update_fields=["body", "updated_at"])
        revisions.commit_content_change(article, by=by, note=note)
    return report


def add_segment(
    article, *, text, by, source=Segment.Source.ADMIN, parent=None
) -> tuple[Segment, AssemblyReport]:
    """Add a pass to ``article``'s body and re-assemble along the new segment.

    Without ``parent`` the segment continues the one whose end it repeats best.
    """
    if not text.strip():
        raise WorkflowError("追加する本文が空です。")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        _check(locked, by)
        # The segments and the path are read once and kept in step here: the article's
        # lock keeps every other writer of them out until the body is written.
        state, _ = SegmentPath.objects.get_or_create(article=locked)
        segments = segments_of(locked)
        if not segments and (root := _root_from_existing_body(locked, state, by=by)):
            segments = [root]
        if parent is None:
            parent, _ = detect_parent(text, segments)
        elif parent.article_id != locked.pk:
            raise WorkflowError("別の記事の部分には続けられません。")
        segment = Segment.objects.create(
            article=locked, parent=parent, text=text, source=source, created_by=by
        )
        segments = sorted([*segments, segment], key=_written_order)
        # The newest segment is the newest leaf: the default path now ends there.
        state.leaf = None
        assembly = assemble(locked, segments, state=state)
        report = _write_body(locked, assembly, state, by=by, note=f"部分 #{segment.pk} を追加")
    article.refresh_from_db()
    return segment, report


def choose_path(article, *, leaf: Segment, by) -> AssemblyReport:
    """Make the body follow the path that ends at ``leaf``."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        _check(locked, by)
        if leaf.article_id != locked.pk or Segment.objects.filter(parent=leaf).exists():
            raise WorkflowError("選べるのは、この記事の末端の部分だけです。")
        state, _ = SegmentPath.objects.get_or_create(article=locked)
        state.leaf = leaf
        assembly = assemble(locked, state=state)
        report = _write_body(locked, assembly, state, by=by, note=f"部分 #{leaf.pk} までの経路を選択")
    article.refresh_from_db()
    return report


def create_segments(article, texts: list[str], *, source=Segment.Source.IMPORT, body: str) -> None:
    """The segments of a new article whose ``body`` was already assembled from ``texts``.

    Each pass names its parent, so the rows are given their ids first (one query on
    PostgreSQL, whatever the number of passes) and then inserted together."""
    parents = plan_tree(texts)
    ids = _new_segment_ids(len(texts))
    rows = [
        Segment(
            pk=ids[index] if ids else None,
            article=article,
            parent_id=ids[parent] if ids and parent is not None else None,
            text=text,
            source=source,
        )
        for index, (text, parent) in enumerate(zip(texts, parents, strict=True))
    ]
    if ids:
        Segment.objects.bulk_create(rows)
    else:
        for row, parent in zip(rows, parents, strict=True):
            row.parent = rows[parent] if parent is not None else None
            row.save()
    SegmentPath.objects.create(article=article, assembled_body=body)


def _new_segment_ids(count: int) -> list[int]:
    """``count`` ids from the segment table's sequence; none where there is no sequence
    to ask (SQLite, the quick start), and the rows are then saved one by one."""
    if connection.vendor != "postgresql" or count < 2:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Segment._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def replace_segments(article, texts: list[str], *, by, source=Segment.Source.IMPORT) -> AssemblyReport:
    """Replace all segments with ``texts`` (in the order written), as an import does."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        _check(locked, by)
        Segment.objects.filter(article=locked).delete()
        state, _ = SegmentPath.objects.get_or_create(article=locked)
        state.leaf = None
        segments = []
        for text, parent_index in zip(texts, plan_tree(texts), strict=True):
            parent = segments[parent_index] if parent_index is not None else None
            segments.append(
                Segment.objects.create(article=locked, parent=parent, text=text, source=source, created_by=by)
            )
        report = _write_body(
            locked,
            assemble(locked, segments, state=state),
            state,
            by=by,
            note="インポートで本文を組み立て",
            live_waits=False,
        )
    article.refresh_from_db()
    return report
