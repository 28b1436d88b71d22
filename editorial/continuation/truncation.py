"""Does a text stop mid-sentence?

Used on article bodies: a body that stops mid-sentence puts the article in
the continuation stage and blocks review. A body is complete when its last
block is complete: a sentence ending in terminal punctuation (possibly
inside closing brackets or quotes), or a Markdown block that needs none (a
heading, a rule, a table row, a closed code fence, an image or HTML line, a
list item that does not end on a particle or conjunction).
"""

import re

TERMINAL_PUNCTUATION = set("。．.！!？?…‥")
CLOSING_MARKS = set("」』）)】〕〉》”’\"'］]｝}")
EMPHASIS_MARKS = "*_~`"

# Japanese that cannot end a sentence: particles and the comma.
_JAPANESE_DANGLING = set("をにがはのとでへもやか、，,")
_ENGLISH_DANGLING = re.compile(
    r"\b(?:a|an|the|and|or|but|of|to|in|on|for|with|by|from|that|which|as|at|is|are|was|were)$",
    re.IGNORECASE,
)

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_STANDALONE_LINE = re.compile(r"^\s*(?:!\[[^\]]*\]\([^)]*\)|\[[^\]]+\]:\s*\S+|</?[a-zA-Z][^>]*>)\s*$")


def _inside_open_fence(lines: list[str]) -> bool:
    fences = sum(1 for line in lines if _FENCE.match(line))
    return fences % 2 == 1


def _sentence_is_complete(text: str) -> bool:
    stripped = text.rstrip().rstrip(EMPHASIS_MARKS).rstrip()
    while stripped and stripped[-1] in CLOSING_MARKS:
        stripped = stripped[:-1].rstrip()
        if stripped and stripped[-1] in TERMINAL_PUNCTUATION:
            return True
    if not stripped:
        return True
    return stripped[-1] in TERMINAL_PUNCTUATION


def _list_item_is_complete(item: str) -> bool:
    stripped = item.rstrip().rstrip(EMPHASIS_MARKS).rstrip()
    if not stripped:
        return True
    return stripped[-1] not in _JAPANESE_DANGLING and not _ENGLISH_DANGLING.search(stripped)


def is_truncated(text: str) -> bool:
    """True when ``text`` (Markdown) ends mid-sentence or inside an open block."""
    lines = text.rstrip().splitlines()
    if not lines:
        return False
    if _inside_open_fence(lines):
        return True
    last = lines[-1]
    if _FENCE.match(last) or _HEADING.match(last) or _RULE.match(last):
        return False
    if _TABLE_ROW.match(last) or _STANDALONE_LINE.match(last):
        return False
    if _LIST_ITEM.match(last):
        return not _list_item_is_complete(_LIST_ITEM.sub("", last, count=1))
    last = re.sub(r"^\s*>\s?", "", last)  # a quotation ends like any paragraph
    return not _sentence_is_complete(last)
