"""Finding where a continuation repeats the end of the text it continues, and
joining the two with the repeated part kept once.

Comparison ignores whitespace, folds character width and case (NFKC), treats
Japanese and ASCII punctuation alike, and tolerates a slip of about one
character per hundred; the joined text always keeps the original characters.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

# How far back into the parent and forward into the child an overlap is sought.
WINDOW = 4000
# Shorter exact repeats could be coincidence; fuzzy matches need more evidence.
MIN_EXACT_OVERLAP = 4
MIN_FUZZY_OVERLAP = 8
ANCHOR = 8
MAX_CANDIDATES = 64

_LEADING_CONTINUATION = re.compile(r"\A\s*(?:\.{2,}|…+|‥+)?\s*")
_NON_SPACE_RUN = re.compile(r"\S+")
_PUNCTUATION_FOLD = str.maketrans({"、": ",", "。": ".", "「": '"', "」": '"', "『": '"', "』": '"', "“": '"', "”": '"', "’": "'", "‘": "'", "〜": "~"})  # fmt: skip


@dataclass(frozen=True)
class Overlap:
    parent_start: int  # the repeated part begins here in the parent
    parent_end: int  # the parent is kept up to here (its last non-space character)
    child_end: int  # the child resumes from here
    length: int  # overlapping characters, whitespace ignored
    edits: int  # 0 for an exact repeat


@dataclass(frozen=True)
class Join:
    overlap: Overlap | None

    @property
    def flagged(self) -> bool:
        return self.overlap is None

    @property
    def fuzzy(self) -> bool:
        return self.overlap is not None and self.overlap.edits > 0


def _fold(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower().translate(_PUNCTUATION_FOLD)


def comparable(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """``text[start:end]`` as compared (no whitespace, folded), with each
    character's index in ``text``."""
    # Runs of non-space characters, not characters one by one: a window has a few dozen.
    runs = [match.span() for match in _NON_SPACE_RUN.finditer(text, start, end)]
    positions = []
    for run_start, run_end in runs:
        positions.extend(range(run_start, run_end))
    window = text[start:end]
    if unicodedata.is_normalized("NFKC", window):
        folded = window.lower().translate(_PUNCTUATION_FOLD)
        if len(folded) == len(window):
            # Nothing to fold but case and punctuation, one to one: the fast path.
            return "".join(
                folded[run_start - start : run_end - start] for run_start, run_end in runs
            ), positions
    # Fold cluster by cluster (a character and the marks that combine with it,
    # such as half-width ﾊﾟ), so every folded character maps to one source index.
    chars, mapped = [], []
    for cluster_start, cluster in _clusters(text, positions):
        for char in _fold(cluster):
            if not char.isspace():
                chars.append(char)
                mapped.append(cluster_start)
    return "".join(chars), mapped


_SOUND_MARKS = {"\uff9e", "\uff9f", "\u3099", "\u309a", "\u309b", "\u309c"}


def _clusters(text: str, positions: list[int]):
    cluster_start, cluster = None, ""
    for index in positions:
        char = text[index]
        if cluster and (char in _SOUND_MARKS or unicodedata.combining(char)):
            cluster += char
            continue
        if cluster:
            yield cluster_start, cluster
        cluster_start, cluster = index, char
    if cluster:
        yield cluster_start, cluster


def continuation_start(child: str) -> int:
    """Where the child's own text starts, after whitespace and a leading "..." or "…"."""
    return _LEADING_CONTINUATION.match(child).end()


def _bounded_distances(a: str, b: str, limit: int) -> list[int]:
    """Levenshtein distance of ``a`` to each prefix ``b[:j]`` (index j), each capped at ``limit + 1``.

    One banded table serves every prefix: its last row holds them all, and a
    cell of column j depends only on ``b[:j]``.
    """
    over = limit + 1
    previous = [j if j <= limit else over for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        low, high = max(1, i - limit), min(len(b), i + limit)
        current = [over] * (len(b) + 1)
        current[0] = i if i <= limit else over
        char = a[i - 1]
        left = current[low - 1]
        for j in range(low, high + 1):
            diagonal = previous[j - 1] + (char != b[j - 1])
            up = previous[j] + 1
            left = min(up, left + 1, diagonal)
            current[j] = left
        if min(current[low - 1 : high + 1]) > limit:
            return [over] * (len(b) + 1)
        previous = current
    return [min(value, over) for value in previous]


def _may_be_within(a: str, b: str, limit: int) -> bool:
    """False only when no prefix of ``b`` is within ``limit`` edits of ``a``.

    Cut ``a`` into ``limit + 1`` pieces: ``limit`` edits leave one piece
    untouched, and it appears in ``b`` shifted by at most ``limit``. Searching
    for the pieces costs far less than the table, which is then filled only for
    the few starts that pass.
    """
    pieces = limit + 1
    for index in range(pieces):
        start, end = index * len(a) // pieces, (index + 1) * len(a) // pieces
        if b.find(a[start:end], max(0, start - limit), end + limit) != -1:
            return True
    return False


def _allowed_edits(length: int) -> int:
    return 1 + length // 100


def _exact_overlap(parent: str, child: str) -> int:
    """The longest k with parent ending in child[:k]."""
    first = child[:1]
    if not first:
        return 0
    best = 0
    position = parent.find(first, max(0, len(parent) - len(child)))
    while position != -1:
        k = len(parent) - position
        if k >= MIN_EXACT_OVERLAP and child.startswith(parent[position:]):
            best = k
            break  # positions rise, so the first hit is the longest
        position = parent.find(first, position + 1)
    return best


def _fuzzy_candidates(parent: str, child: str):
    """Parent offsets where a slightly different repeat of the child's head may start."""
    starts = set()
    for offset in range(0, min(len(child), 3 * ANCHOR), ANCHOR):
        anchor = child[offset : offset + ANCHOR]
        if len(anchor) < ANCHOR:
            break
        position = parent.find(anchor)
        while position != -1 and len(starts) < MAX_CANDIDATES:
            starts.update({position - offset - 1, position - offset, position - offset + 1})
            position = parent.find(anchor, position + 1)
    tail = parent[-ANCHOR:]
    if len(tail) == ANCHOR:
        position = child.find(tail)
        while position != -1 and len(starts) < 2 * MAX_CANDIDATES:
            end = position + ANCHOR
            starts.update({len(parent) - end - 1, len(parent) - end, len(parent) - end + 1})
            position = child.find(tail, position + 1)
    return sorted(start for start in starts if 0 <= start <= len(parent) - MIN_FUZZY_OVERLAP)


def _fuzzy_overlap(parent: str, child: str, longer_than: int) -> tuple[int, int, int] | None:
    """(parent overlap length, child overlap length, edits) of the longest near-repeat."""
    for start in _fuzzy_candidates(parent, child):
        length = len(parent) - start
        if length <= longer_than:
            break
        limit = _allowed_edits(length)
        best = None
        longest = min(len(child), length + limit)
        lengths = range(max(1, length - limit), longest + 1)
        if not lengths or not _may_be_within(parent[start:], child[:longest], limit):
            continue
        distances = _bounded_distances(parent[start:], child[:longest], limit)
        # Equally close matches: the one whose length agrees with the parent's
        # leaves no stray character at the join.
        for child_length in sorted(lengths, key=lambda candidate: abs(candidate - length)):
            distance = distances[child_length]
            if distance <= limit and (best is None or distance < best[2]):
                best = (length, child_length, distance)
        if best is not None:
            return best
    return None


def find_overlap(parent: str, child: str) -> Overlap | None:
    """Where ``child`` repeats the end of ``parent``, or None."""
    # Only the end of the parent and the start of the child are read, so the answer for those
    # windows is remembered: one pass is compared with the same segments several times (to find
    # its parent, to stitch the body, to draw the tree), and again by the next pass.
    offset = max(0, len(parent) - WINDOW)
    found = _overlap_of_windows(parent[offset:], child[: continuation_start(child) + WINDOW])
    if found is None or not offset:
        return found
    return replace(found, parent_start=found.parent_start + offset, parent_end=found.parent_end + offset)


@lru_cache(maxsize=256)
def _overlap_of_windows(parent: str, child: str) -> Overlap | None:
    parent_text, parent_positions = comparable(parent, 0, len(parent))
    head = continuation_start(child)
    child_text, child_positions = comparable(child, head, len(child))
    if not parent_text or not child_text:
        return None
    exact = _exact_overlap(parent_text, child_text)
    fuzzy = _fuzzy_overlap(parent_text, child_text, longer_than=max(exact, MIN_FUZZY_OVERLAP - 1))
    # An edit can always buy a character or two of spurious length; a near
    # repeat must beat the exact one by more than its edits cost.
    if fuzzy is not None and exact and fuzzy[0] - 2 * fuzzy[2] <= exact:
        fuzzy = None
    if fuzzy is not None:
        _, child_length, edits = fuzzy
        length = fuzzy[0]
    elif exact:
        length = child_length = exact
        edits = 0
    else:
        return None
    return Overlap(
        parent_start=parent_positions[len(parent_text) - length],
        parent_end=parent_positions[-1] + 1,
        child_end=child_positions[child_length - 1] + 1,
        length=length,
        edits=edits,
    )


def stitch(parent: str, child: str) -> tuple[str, Join]:
    """Join ``child`` onto ``parent`` keeping the repeated part once.

    Without a repeat the child is appended as a new paragraph and the join
    is flagged for an editor to look at; no text is ever dropped then.
    """
    overlap = find_overlap(parent, child)
    if overlap is None:
        return parent.rstrip() + "\n\n" + child.strip(), Join(None)
    return parent[: overlap.parent_end] + child[overlap.child_end :], Join(overlap)


def stitch_all(texts: list[str]) -> tuple[str, list[Join]]:
    """Stitch a path of segment texts, root first."""
    if not texts:
        return "", []
    body, joins = texts[0], []
    for text in texts[1:]:
        body, join = stitch(body, text)
        joins.append(join)
    return body, joins


def overlap_score(parent: str, child: str) -> int:
    """How well ``child`` continues ``parent``: the overlap length, 0 for none."""
    overlap = find_overlap(parent, child)
    return overlap.length if overlap else 0
