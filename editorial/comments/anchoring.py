"""Finding a commented passage again after the text around it was edited.

A comment keeps the passage it is about and a little of the text on each side
(as the W3C's text-quote selector does), not an offset: offsets go stale at the
first edit above the passage. The passage is found again, in order:

1. where its own text still stands, preferring the place whose surroundings
   agree best (the same sentence may appear twice);
2. where it was edited in place: between the text that stood before and after
   it, shorter and shorter pieces of that context being tried, as long as what
   stands there now still resembles the passage;
3. where it was edited together with the text on one side: from the side that
   stayed, as far as the passage still matches;
4. nowhere: the comment is orphaned and shown with the text it was about.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# How much text on each side is kept to tell places apart and to find an edited passage.
CONTEXT = 32
# The context pieces tried, longest first, to find a passage edited in place.
CONTEXT_STEPS = (32, 16, 8)
# An edited passage must still share this much with the one commented on; less
# and it is a different passage that happens to sit in the same place.
MIN_LIKENESS = 0.4

_BLANK_LINE = re.compile(r"\r?\n[ \t\u3000]*\r?\n")


@dataclass(frozen=True)
class Anchor:
    quote: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Place:
    start: int
    end: int

    def anchor_in(self, text: str) -> Anchor:
        return anchor_at(text, self.start, self.end)


def anchor_at(text: str, start: int, end: int) -> Anchor:
    return Anchor(
        quote=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )


def paragraphs(text: str) -> list[Place]:
    """The places of the paragraphs of ``text`` (blocks between blank lines), trimmed.
    A browser sends the form's line breaks as CRLF, which stay in the saved body."""
    places = []
    position = 0
    for gap in [*_BLANK_LINE.finditer(text), None]:
        end = gap.start() if gap else len(text)
        block = text[position:end]
        stripped = block.strip()
        if stripped:
            start = position + block.index(stripped)
            places.append(Place(start, start + len(stripped)))
        position = gap.end() if gap else end
    return places


def paragraph_number(text: str, offset: int) -> int | None:
    """The 1-based number of the paragraph holding ``offset``, or None between paragraphs."""
    for number, place in enumerate(paragraphs(text), start=1):
        if place.start <= offset < max(place.end, place.start + 1):
            return number
    return None


def _common_tail(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_head(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _occurrences(text: str, piece: str):
    start = text.find(piece)
    while start != -1:
        yield start
        start = text.find(piece, start + 1)


def _where_it_stands(text: str, anchor: Anchor) -> Place | None:
    size = len(anchor.quote)

    def agreement(start):
        return _common_tail(text[:start], anchor.prefix) + _common_head(text[start + size :], anchor.suffix)

    starts = list(_occurrences(text, anchor.quote))
    if not starts:
        return None
    best = max(starts, key=agreement)
    return Place(best, best + size)


def _likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _context_pieces(anchor: Anchor):
    """(before, after) pieces of the context, longest first; a side with no context
    is the start or the end of the text. Pieces of mere spacing tell nothing."""
    for step in CONTEXT_STEPS:
        before, after = anchor.prefix[-step:], anchor.suffix[:step]
        if (not anchor.prefix or before.strip()) and (not anchor.suffix or after.strip()):
            yield before, after


def _starts_after(text: str, before: str) -> list[int]:
    return [match + len(before) for match in _occurrences(text, before)] if before else [0]


def _likely(text: str, start: int, end: int, anchor: Anchor) -> Place | None:
    candidate = text[start:end]
    if candidate.strip() and _likeness(candidate, anchor.quote) >= MIN_LIKENESS:
        return Place(start, end)
    return None


def _between(text: str, anchor: Anchor) -> Place | None:
    """The passage edited inside while the text on both sides stayed."""
    reach = len(anchor.quote) * 3 + 200
    for before, after in _context_pieces(anchor):
        for start in _starts_after(text, before):
            end = text.find(after, start, start + reach + len(after)) if after else len(text)
            if end != -1 and (place := _likely(text, start, end, anchor)):
                return place
    return None


def _from_one_side(text: str, anchor: Anchor) -> Place | None:
    """The passage edited together with the text on one side of it: it is
    measured from the side that stayed, as far as it still matches."""
    size = len(anchor.quote)
    for before, after in _context_pieces(anchor):
        for start in _starts_after(text, before) if before else ():
            window = text[start : start + size * 2 + 40]
            blocks = [
                b
                for b in SequenceMatcher(None, anchor.quote, window, autojunk=False).get_matching_blocks()
                if b.size
            ]
            if blocks and (place := _likely(text, start, start + blocks[-1].b + blocks[-1].size, anchor)):
                return place
        for end in _occurrences(text, after) if after else ():
            origin = max(0, end - size * 2 - 40)
            window = text[origin:end]
            blocks = [
                b
                for b in SequenceMatcher(None, anchor.quote, window, autojunk=False).get_matching_blocks()
                if b.size
            ]
            if blocks and (place := _likely(text, origin + blocks[0].b, end, anchor)):
                return place
    return None


def locate(text: str, anchor: Anchor) -> Place | None:
    """Where ``anchor``'s passage is in ``text`` now, or None if it is gone."""
    if not anchor.quote:
        return None
    return _where_it_stands(text, anchor) or _between(text, anchor) or _from_one_side(text, anchor)


def nearest(text: str, quote: str, hint: int) -> Place | None:
    """The occurrence of ``quote`` in ``text`` nearest to offset ``hint`` (where the
    editor's selection was), or None when the saved text does not hold it."""
    if not quote:
        return None
    starts = list(_occurrences(text, quote))
    if not starts and "\n" in quote and "\r\n" in text:
        # A textarea's value has LF line breaks; the body the browser saved has CRLF.
        quote = quote.replace("\r\n", "\n").replace("\n", "\r\n")
        starts = list(_occurrences(text, quote))
    if not starts:
        return None
    best = min(starts, key=lambda start: abs(start - hint))
    return Place(best, best + len(quote))
