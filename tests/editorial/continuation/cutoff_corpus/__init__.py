"""A labelled corpus for the cut-off detector: complete posts and cut ones.

Complete posts are generated from the written blocks in ``blocks`` with a
seeded RNG: a body of prose (Japanese or English, with headings, lists, code,
images, quotations and tables between paragraphs), then one of the tails in
``tails.TAILS`` — the way the post ends (plain prose, a Japanese ending
without 。, fenced code, ``{% endfigure %}``, link definitions, footnotes, an
iframe, a signature …). Hand-written whole posts (``handwritten``) are added
as they are.

Each complete post gives a cut one: the same text cut at a random character
inside a prose sentence (never after its terminal punctuation, never inside a
non-prose block), so the cut post stops mid-sentence. Separately, posts with
a block that must be closed (a code fence, ``{% highlight %}``, ``$$`` …) are
cut inside it. Everything is labelled: complete or cut, language, tail, source
(``tuning``: seed 1, what the detector was developed against; ``holdout``:
seed 2, and the hand-written posts, a batch written before the detector was
measured on it and one written after it was finished).
"""

import random
import re
import unicodedata
from dataclasses import dataclass

from .handwritten import LATE_POSTS, POSTS
from .tails import TAILS, Part, body, core_end


@dataclass(frozen=True)
class Sample:
    text: str
    complete: bool
    lang: str  # "ja" or "en"
    tail: str  # how the complete post ends
    source: str  # "tuning", "holdout", "handwritten" or "handwritten late"
    cut: str = ""  # cuts: "prose", or "inside <block>"
    plausible_end: bool = False  # a cut that stops where a reader could take the text as finished


def _join(parts: list[Part]) -> tuple[str, list[tuple[int, int]], list[tuple[int, int, str]]]:
    text, sentences, inside = "", [], []
    for part in parts:
        if text:
            text += "\n" if part.attach else "\n\n"
        sentences += [(len(text) + start, len(text) + end) for start, end in part.sentences]
        if part.inside:
            inside.append((len(text) + part.inside[0], len(text) + part.inside[1], part.block))
        text += part.text
    return text + "\n", sentences, inside


_PLAUSIBLE_ENDINGS = (
    "ます",
    "です",
    "ました",
    "でした",
    "ません",
    "でしょう",
    "ましょう",
    "ください",
    "ね",
    "ですよ",
    "ますよ",
    "ありがとう",
)


def plausible_end(fragment: str, *, words_complete: bool = False) -> bool:
    """Would a reader take ``fragment`` as finished? All of a sentence's words
    (only its punctuation cut), terminal punctuation, a closing bracket or
    quote, an emoji, or a polite Japanese sentence ending."""
    fragment = fragment.rstrip().rstrip("*_").rstrip()
    if words_complete:
        return True
    if not fragment:
        return False
    last = fragment[-1]
    return (
        last in '。．.！!？?…」』）)"”’'
        or unicodedata.category(last) == "So"
        or fragment.endswith(_PLAUSIBLE_ENDINGS)
    )


def _cut_in_prose(rng, text, sentences) -> tuple[str, bool]:
    weights = [end - start for start, end in sentences]
    start, end = rng.choices(sentences, weights=weights)[0]
    position = rng.randint(start + 1, end)
    fragment = text[:position].rstrip()
    return fragment + "\n", plausible_end(fragment, words_complete=position == end)


def generate(seed: int, count: int, source: str) -> list[Sample]:
    """``count`` complete posts, their cuts in prose, and cuts inside blocks."""
    rng = random.Random(seed)
    names = list(TAILS)
    samples = []
    for number in range(count):
        tail = names[number % len(names)]
        lang = "en" if rng.random() < 0.3 else "ja"
        style = "en" if lang == "en" else rng.choices(["polite", "plain", "casual"], [6, 2, 2])[0]
        parts = body(rng, lang, style) + TAILS[tail](rng, lang, style)
        text, sentences, inside = _join(parts)
        samples.append(Sample(text, True, lang, tail, source))
        cut, plausible = _cut_in_prose(rng, text, sentences)
        samples.append(Sample(cut, False, lang, tail, source, cut="prose", plausible_end=plausible))
        if inside:
            start, end, block = rng.choice(inside)
            position = rng.randint(start, end)
            samples.append(
                Sample(text[:position].rstrip() + "\n", False, lang, tail, source, cut=f"inside {block}")
            )
    return samples


# -- hand-written posts ----------------------------------------------------------

_HANDWRITTEN_PROSE = re.compile(r"^[^\s#|>\[!<{$*\-+=~`0-9・※—―(（]")
_VERBATIM_OPENERS = {
    "```": "```",
    "~~~": "~~~",
    "$$": "$$",
    "{% highlight": "{% endhighlight",
    "{% raw": "{% endraw",
}
_SENTENCE = re.compile(r".+?(?:[。．！？!?]+[」』）)]*|\.(?=\s)|\.$|$)")


def _handwritten_sentences(text: str) -> list[tuple[int, int]]:
    """Prose sentences of a hand-written post: lines that start with a word,
    outside code, Liquid and math blocks; cut points as in generated posts."""
    spans, offset, closing = [], 0, None
    for row in text.splitlines(keepends=True):
        stripped = row.strip()
        if closing:
            if stripped.startswith(closing):
                closing = None
        elif stripped.startswith(tuple(_VERBATIM_OPENERS)):
            opener = next(opener for opener in _VERBATIM_OPENERS if stripped.startswith(opener))
            closing = _VERBATIM_OPENERS[opener]
        elif _HANDWRITTEN_PROSE.match(row) and "{%" not in row and "://" not in row:
            for match in _SENTENCE.finditer(row.rstrip("\n")):
                sentence = match.group(0)
                lead = len(sentence) - len(sentence.lstrip())
                if len(sentence.strip()) > 1:
                    spans.append((offset + match.start() + lead, offset + match.start() + core_end(sentence)))
        offset += len(row)
    return spans


def handwritten(cuts_per_post: int = 2, seed: int = 3) -> list[Sample]:
    """The hand-written posts and ``cuts_per_post`` cuts of each: ``handwritten``
    (written before the detector was measured on them) and ``handwritten late``
    (written after it was finished)."""
    rng = random.Random(seed)
    samples = []
    for source, posts in (("handwritten", POSTS), ("handwritten late", LATE_POSTS)):
        for post in posts:
            text = post.text.strip() + "\n"
            samples.append(Sample(text, True, post.lang, post.tail, source))
            sentences = _handwritten_sentences(text)
            for _ in range(cuts_per_post):
                cut, plausible = _cut_in_prose(rng, text, sentences)
                samples.append(
                    Sample(cut, False, post.lang, post.tail, source, cut="prose", plausible_end=plausible)
                )
    return samples


def tuning() -> list[Sample]:
    return generate(seed=1, count=580, source="tuning")


def holdout() -> list[Sample]:
    return generate(seed=2, count=580, source="holdout") + handwritten()
