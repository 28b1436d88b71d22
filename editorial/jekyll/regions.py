"""Where a Markdown text holds code, math or comments: the parts the import
converters must leave as they are.

A guess made line by line, as CommonMark and kramdown read it closely enough
for the converters: fenced blocks (also indented inside list items and block
quotes, and unclosed ones to the end), indented blocks after a blank line,
``<pre>`` and ``<code>`` elements, inline code spans, and on request HTML
comments and kramdown math (``$$…$$``).
"""

import bisect
import re
from collections.abc import Callable

_FENCE = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")
_LIST_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap> +|$)")
_HTML_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MATH = re.compile(r"\$\$(?:(?!\$\$|\n[ \t]*\n).)+?\$\$", re.DOTALL)
_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")

Regions = list[tuple[int, int]]


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _block_code(text: str) -> Regions:
    regions = []
    offset = 0
    fence = None  # (character, length, start)
    prev_blank = True
    prev_code = False
    lists: list[int] = []  # content columns of the list items we are inside
    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        body = line.rstrip("\r\n")
        if fence:
            match = _FENCE.match(body)
            if (
                match
                and match["fence"][0] == fence[0]
                and len(match["fence"]) >= fence[1]
                and not match["info"].strip()
            ):
                regions.append((fence[2], offset))
                fence = None
            continue
        if not body.strip():
            prev_blank = True
            continue
        indent = _indent(body)
        item = _LIST_ITEM.match(body.expandtabs(4))
        if prev_blank:
            # A line after a blank line leaves every list item it is not indented into.
            while lists and indent < lists[-1] and not (item and len(item["indent"]) >= lists[-1]):
                lists.pop()
        base = lists[-1] if lists else 0
        if indent >= base + 4 and (prev_blank or prev_code):
            regions.append((start, offset))
            prev_code, prev_blank = True, False
            continue
        prev_code = prev_blank = False
        match = _FENCE.match(body)
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            fence = (match["fence"][0], len(match["fence"]), start)
            continue
        if item:
            while lists and len(item["indent"]) < lists[-1]:
                lists.pop()
            gap = len(item["gap"])
            lists.append(len(item["indent"]) + len(item["marker"]) + (gap if 1 <= gap <= 4 else 1))
    if fence:
        regions.append((fence[2], len(text)))
    return regions


def _gaps(text: str, regions: Regions) -> list[tuple[int, int]]:
    gaps, position = [], 0
    for start, end in regions:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < len(text):
        gaps.append((position, len(text)))
    return gaps


def _merge(regions: Regions) -> Regions:
    merged: Regions = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _pattern_regions(text: str, regions: Regions, pattern: re.Pattern) -> Regions:
    found = []
    for gap_start, gap_end in _gaps(text, regions):
        found += [match.span() for match in pattern.finditer(text, gap_start, gap_end)]
    return _merge(regions + found)


def _code_spans(text: str, regions: Regions) -> Regions:
    found = []
    for gap_start, gap_end in _gaps(text, regions):
        runs = list(_BACKTICKS.finditer(text, gap_start, gap_end))
        index = 0
        while index < len(runs):
            opening = runs[index]
            # A code span ends in its own paragraph, or it is no code span.
            blank = _BLANK_LINE.search(text, opening.end(), gap_end)
            limit = blank.start() if blank else gap_end
            closing = None
            for later in range(index + 1, len(runs)):
                if runs[later].start() >= limit:
                    break
                if len(runs[later].group()) == len(opening.group()):
                    closing = later
                    break
            if closing is None:
                index += 1
                continue
            found.append((opening.start(), runs[closing].end()))
            index = closing + 1
    return _merge(regions + found)


def protected(text: str, *, comments: bool = False, math: bool = False) -> Regions:
    """Sorted, non-overlapping ``(start, end)`` offsets of the code in ``text``
    (and of HTML comments and ``$$`` math when asked)."""
    regions = _block_code(text)
    regions = _pattern_regions(text, regions, _HTML_CODE)
    if comments:
        regions = _pattern_regions(text, regions, _HTML_COMMENT)
    regions = _code_spans(text, regions)
    if math:
        regions = _pattern_regions(text, regions, _MATH)
    return regions


def inside(regions: Regions, position: int) -> bool:
    """Whether ``position`` falls in one of ``regions``."""
    index = bisect.bisect_right(regions, (position, float("inf"))) - 1
    return index >= 0 and regions[index][0] <= position < regions[index][1]


def outside(text: str, regions: Regions, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` applied to each stretch between the regions."""
    pieces, position = [], 0
    for start, end in regions:
        if start > position:
            pieces.append(change(text[position:start]))
        pieces.append(text[start:end])
        position = max(position, end)
    if position < len(text):
        pieces.append(change(text[position:]))
    return "".join(pieces)
