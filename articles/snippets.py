"""Search snippets: a stretch of the article's own text around what was searched for.

Search matches the terms against ``Article.search_text``, folded by
``search.normalise`` (NFKC, lower case), so ＧＰＵ, GPU and gpu, ｶﾀｶﾅ and カタカナ
find each other. Readers are shown ``Article.body_text`` instead, the body as
written, and each match found in the folded form is marked where it stands in
the text as written. The whole text is folded at once; only where some
character folds into more or fewer characters ("…" into "...", ｶﾞ into ガ), or
joins the one before it, is a part of it folded cluster by cluster to find
where the match stands. Cuts fall after a sentence or between words where one
is near, never inside a cluster (a character and its marks, a flag, an emoji
sequence); Python strings hold code points, so no surrogate pair can be split.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from itertools import accumulate

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .search import terms_of

BEFORE = 50  # characters shown before the first match, at most
LENGTH = 160  # characters shown in all, about
# How far from its ideal place a cut may move to land after a sentence or between words.
LEEWAY = 30
ELLIPSIS = "…"

_ENDS_SENTENCE = frozenset("。．！？!?」』）)")
_LATIN = re.compile("[0-9A-Za-z\u00c0-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_ZWJ = "\u200d"
# Characters that belong to the one before (besides marks): the half-width (han)dakuten ﾞ ﾟ,
# Hangul vowels and finals, variation selectors, emoji skin tones and tags.
_JOINS_BEFORE = re.compile(
    "[\u200d\uff9e\uff9f\u1160-\u11ff\ud7b0-\ud7ff\ufe00-\ufe0f"
    "\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\U000e0100-\U000e01ef]"
)
_REGIONAL_INDICATOR = re.compile("[\U0001f1e6-\U0001f1ff]")
# Outside these blocks a character may be a mark, or join the one before it: text made only of
# them folds character by character (Latin, punctuation, symbols, kana, kanji, Hangul syllables,
# full and half width forms but the half-width (han)dakuten).
_EACH_ALONE = re.compile(
    "[\x00-\u02ff\u0370-\u0482\u048a-\u0590\u2000-\u200c\u200e-\u20cf\u2100-\u2bff"
    "\u3000-\u3029\u3030-\u3098\u309b-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uff9d\uffa0-\uffef]*"
)


def fold(text: str) -> str:
    """``text`` as search compares it (``search.normalise`` but for the blanks)."""
    return unicodedata.normalize("NFKC", text).lower()


def snippet(text: str, query: str) -> str:
    """HTML: a stretch of ``text`` (an article's ``body_text``) around the first match of
    ``query``, each match in ``<mark>``, the rest escaped; "…" where text was left out.
    Without a match in ``text`` (the terms are in the title), its beginning."""
    text = text or ""
    terms = terms_of(query)
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)))
    first, length = _first_match(text, pattern) if terms else (0, 0)
    # Only the stretch the snippet can show is folded cluster by cluster.
    low = _cluster_start(text, first - BEFORE - LEEWAY)
    high = _cluster_start(text, first + length + LENGTH + LEEWAY)
    clusters, folded, folded_starts = _fold_by_cluster(text, low, high)
    matches = (
        [_span(match, clusters, folded_starts, high) for match in pattern.finditer(folded)] if terms else []
    )
    first_match = next((span for span in matches if span[0] >= first), (first, first))
    return _shown(text, *_window(text, clusters + [high], first_match), matches)


def _shown(text: str, start: int, end: int, matches: list[tuple[int, int]]) -> str:
    """``text[start:end]`` escaped, ``matches`` in it marked, and "…" where text was left out."""
    pieces, position = [], start
    for match_start, match_end in matches:
        if match_start < position or match_end > end:
            continue  # overlapping one already marked, or cut off by the end
        pieces.append(escape(text[position:match_start]))
        pieces.append(f"<mark>{escape(text[match_start:match_end])}</mark>")
        position = match_end
    pieces.append(escape(text[position:end]))
    before, after = ELLIPSIS if start > 0 else "", ELLIPSIS if end < len(text) else ""
    return mark_safe(before + "".join(pieces).strip() + after)


def _each_alone(text: str) -> bool:
    return _EACH_ALONE.fullmatch(text) is not None


def _first_match(text: str, pattern) -> tuple[int, int]:
    """Where in ``text`` as written the first match of ``pattern`` in its folding starts, and
    the length of the folded match; (0, 0) when there is none."""
    folded = fold(text)
    found = pattern.search(folded)
    if found is None:
        return 0, 0
    if len(folded) == len(text) and _each_alone(text):
        return found.start(), len(found.group())  # one character folded into one, in place
    # Some character folds into more or fewer ("…" into "...", ｶﾞ into ガ). Blanks start pieces
    # whose foldings are those of the whole: find the piece, then walk it by cluster.
    piece_start, folded_start = 0, 0
    for piece in text.split(" "):
        folded_end = folded_start + len(fold(piece)) + 1
        if folded_end > found.start():
            break
        piece_start, folded_start = piece_start + len(piece) + 1, folded_end
    position = piece_start
    while position < len(text):
        after = _cluster_start(text, position + 1, forward=True)
        folded_start += len(fold(text[position:after]))
        if folded_start > found.start():
            break
        position = after
    return position, len(found.group())


def _joins_before(text: str, position: int) -> bool:
    """Whether the character at ``position`` belongs to the one before it (a mark, a joiner …),
    so that no snippet is cut, and no mark begins, between them."""
    if position <= 0 or position >= len(text):
        return False
    character, previous = text[position], text[position - 1]
    if _REGIONAL_INDICATOR.match(character) and _REGIONAL_INDICATOR.match(previous):
        # Flags are pairs of regional indicators: this one ends a pair after an odd number of them.
        run = position - 1
        while run > 0 and _REGIONAL_INDICATOR.match(text[run - 1]):
            run -= 1
        return (position - run) % 2 == 1
    return bool(
        unicodedata.category(character).startswith("M") or _JOINS_BEFORE.match(character) or previous == _ZWJ
    )


def _cluster_start(text: str, position: int, *, forward: bool = False) -> int:
    """``position`` (kept inside ``text``) moved back, or ``forward``, to where a cluster starts."""
    position = min(max(position, 0), len(text))
    while _joins_before(text, position):
        position += 1 if forward else -1
    return position


def _fold_by_cluster(text: str, low: int, high: int) -> tuple[list[int], str, list[int]]:
    """Where each cluster of ``text[low:high]`` starts, their folding, and where each cluster's
    folding starts in it."""
    region = text[low:high]
    folded = fold(region)
    if len(folded) == len(region) and _each_alone(region):
        return list(range(low, high)), folded, list(range(len(folded)))
    clusters = [position for position in range(low, high) if not _joins_before(text, position)]
    parts = [fold(text[start:end]) for start, end in zip(clusters, [*clusters[1:], high], strict=True)]
    return clusters, "".join(parts), [0, *accumulate(map(len, parts))][:-1]


def _span(match, clusters, folded_starts, high) -> tuple[int, int]:
    """Where ``match`` (in the folded text) stands in the text as written, whole clusters."""
    first = bisect_right(folded_starts, match.start()) - 1
    after = bisect_left(folded_starts, match.end())
    return clusters[first], clusters[after] if after < len(clusters) else high


def _window(text: str, cuts: list[int], first: tuple[int, int]) -> tuple[int, int]:
    """Where the snippet starts and ends, among ``cuts`` (where clusters start): the ``first``
    match up to ``BEFORE`` characters in, cut after a sentence, at a blank or between words
    if one is near, else between characters."""
    match_start, match_end = first
    start = 0
    if match_start > BEFORE:
        start = _best_cut(
            text, [c for c in cuts if match_start - BEFORE <= c <= match_start], prefer_first=True
        )
    end = len(text)
    if start + LENGTH < len(text):
        ideal = max(start + LENGTH, match_end)
        candidates = [c for c in cuts if max(match_end, ideal - LEEWAY) <= c <= ideal]
        end = _best_cut(text, candidates or [match_end], prefer_first=False)
    return start, end


def _best_cut(text: str, candidates: list[int], *, prefer_first: bool) -> int:
    ordered = candidates if prefer_first else candidates[::-1]
    after_sentence = [c for c in ordered if c > 0 and text[c - 1] in _ENDS_SENTENCE]
    at_blank = [c for c in ordered if c > 0 and text[c - 1] == " "]
    between_words = [c for c in ordered if not _inside_word(text, c)]
    # The first in order: starting, the farthest from the match (the most said before it);
    # ending, the farthest from the start.
    return (after_sentence or at_blank or between_words or ordered)[0]


def _inside_word(text: str, position: int) -> bool:
    return 0 < position < len(text) and bool(
        _LATIN.match(text[position - 1]) and _LATIN.match(text[position])
    )
