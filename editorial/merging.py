"""Merging two saves of one article instead of refusing the later one.

When a form is saved after someone else saved the article, three versions are
at hand: the one both started from (the base, the latest revision at or before
the version the form was opened at), the other person's (the article as saved
now), and the form's. The body is merged by paragraph, as diff3 merges lines:
a paragraph changed on one side only takes that side's change, and only where
both changed the same paragraphs differently does the person saving choose,
per place: theirs, mine, or both (mine first). The title, slug, excerpt and
cover text merge as whole values, the categories and tags as sets (what each
side added stays, what either removed goes).

Nothing is dropped without the person seeing it: a merge with a choice to make
is shown to them before anything is saved.
"""

import hashlib
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .models import Revision

FENCES = ("```", "~~~")
VALUE_FIELDS = {"title": "タイトル", "slug": "スラッグ", "excerpt": "抜粋", "cover_alt": "表紙画像の説明"}
CHOICES = {"mine": "自分の文", "theirs": "ほかの人の文", "both": "両方（自分の文が先）"}


@dataclass(frozen=True)
class Paragraph:
    """A block of the body as written, with the blank lines after it. Two blocks are
    the same paragraph when they differ only in line endings (a browser saves CRLF,
    an import LF), and the merge keeps the text as it was written: indentation,
    blank lines, code."""

    text: str

    @property
    def key(self) -> str:
        return self.text.replace("\r\n", "\n").rstrip()

    def __eq__(self, other):
        return isinstance(other, Paragraph) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __str__(self):
        return self.key


def paragraphs(text: str) -> list[Paragraph]:
    """The blocks of ``text`` between blank lines, a fenced code block (blank lines and
    all) being one; each keeps the blank lines after it, so they join back to ``text``."""
    blocks, current, fenced = [], [], None
    for line in (text or "").splitlines(keepends=True):
        stripped = line.strip()
        # Text after a blank line starts the next block, unless inside a fence.
        after_blank = current and not current[-1].strip() and any(part.strip() for part in current)
        if fenced is None and stripped and after_blank:
            blocks.append(current)
            current = []
        if fenced is None and stripped.startswith(FENCES):
            fenced = stripped[:3]
        elif fenced is not None and stripped.startswith(fenced):
            fenced = None
        current.append(line)
    if current:
        blocks.append(current)
    # Blank lines at the very start belong to the first block.
    return [Paragraph("".join(block)) for block in blocks]


def _ends_with_a_blank_line(text: str) -> bool:
    lines = text.splitlines()
    return text.endswith(("\n", "\r")) and len(lines) >= 2 and not lines[-1].strip()


def join(parts: list[Paragraph]) -> str:
    """The body from ``parts``, with a blank line between any two that lost theirs
    (a paragraph that ended one side's body may be followed by another now)."""
    text = ""
    for part in parts:
        if text and not _ends_with_a_blank_line(text):
            text = text.rstrip("\r\n") + "\n\n"
        text += part.text
    return text


@dataclass
class Clash:
    """One place both sides changed differently."""

    key: str
    label: str
    base: list[str]
    mine: list[str]
    theirs: list[str]

    def resolved(self, choice: str) -> list:
        if choice == "theirs":
            return self.theirs
        if choice == "both":
            return self.mine + [part for part in self.theirs if part not in self.mine]
        return self.mine


def _clash(number, was, mine, theirs) -> Clash:
    # The key names the texts, not only the place: if yet another save changes what
    # clashes before the choice comes back, the old choice matches nothing and is asked again.
    digest = hashlib.sha256(
        "\x00".join(str(part) for side in (was, mine, theirs) for part in [*side, "\x01"]).encode()
    ).hexdigest()[:10]
    return Clash(f"body-{digest}", f"本文 {number}か所目", was, mine, theirs)


def _stable(base, other) -> dict[int, int]:
    """Base paragraph index → the index of the same paragraph on the other side."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return {block.a + k: block.b + k for block in matcher.get_matching_blocks() for k in range(block.size)}


def merge_paragraphs(base: list[str], mine: list[str], theirs: list[str]) -> list:
    """The merged paragraphs, with a ``Clash`` at each place both changed differently."""
    to_mine, to_theirs = _stable(base, mine), _stable(base, theirs)
    merged = []
    at_base = at_mine = at_theirs = 0
    clashes = 0
    while True:
        anchor = next(
            (
                index
                for index in range(at_base, len(base))
                if index in to_mine
                and index in to_theirs
                and to_mine[index] >= at_mine
                and to_theirs[index] >= at_theirs
            ),
            None,
        )
        if anchor is None:
            ends = len(base), len(mine), len(theirs)
        else:
            ends = anchor, to_mine[anchor], to_theirs[anchor]
        was = base[at_base : ends[0]]
        mine_part, theirs_part = mine[at_mine : ends[1]], theirs[at_theirs : ends[2]]
        if mine_part == was:
            merged.extend(theirs_part)
        elif theirs_part in (was, mine_part):
            merged.extend(mine_part)
        elif len(was) == len(mine_part) == len(theirs_part):
            # Paragraphs edited in place on both sides, side by side: each paragraph
            # on its own, so that neighbours changed by different people both stay.
            for old, own, other in zip(was, mine_part, theirs_part, strict=True):
                if own in (old, other):
                    merged.append(other)
                elif other == old:
                    merged.append(own)
                else:
                    clashes += 1
                    merged.append(_clash(clashes, [old], [own], [other]))
        else:
            clashes += 1
            merged.append(_clash(clashes, was, mine_part, theirs_part))
        if anchor is None:
            return merged
        merged.append(base[anchor])
        at_base, at_mine, at_theirs = anchor + 1, to_mine[anchor] + 1, to_theirs[anchor] + 1


def merge_value(base, mine, theirs):
    """(merged value, None) or (None, "clash") for a value both changed differently."""
    if mine in (base, theirs):
        return theirs, None
    if theirs == base:
        return mine, None
    return None, "clash"


def merge_set(base, mine, theirs) -> list:
    base, mine, theirs = set(base), set(mine), set(theirs)
    return sorted((theirs | (mine - base)) - (base - mine))


@dataclass
class Merge:
    values: dict = field(default_factory=dict)
    body: list = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)
    theirs_version: int = 0
    changed_by_them: list[str] = field(default_factory=list)

    def unresolved(self, choices: dict) -> list[Clash]:
        return [clash for clash in self.clashes if choices.get(clash.key) not in CHOICES]

    def result(self, choices: dict) -> dict:
        """The merged form values, every clash settled by ``choices``."""
        values = dict(self.values)
        for clash in self.clashes:
            if clash.key.startswith("field-"):
                values[clash.key.removeprefix("field-")] = clash.resolved(choices[clash.key])[0]
        parts = []
        for part in self.body:
            parts.extend(part.resolved(choices[part.key]) if isinstance(part, Clash) else [part])
        values["body"] = join(parts)
        return values


def base_of(article, version) -> Revision | None:
    return article.revisions.filter(version__lte=version).order_by("-version", "-pk").first()


def merge(*, base: dict, mine: dict, theirs: dict, theirs_version: int) -> Merge:
    """Merge the form's values ``mine`` with ``theirs`` (the article as saved now) over ``base``.
    Each dict holds the value fields, the body, and "categories" and "tags" as lists."""
    outcome = Merge(theirs_version=theirs_version)
    for name, label in VALUE_FIELDS.items():
        value, clash = merge_value(base.get(name, ""), mine.get(name, ""), theirs.get(name, ""))
        if clash:
            outcome.clashes.append(
                Clash(
                    f"field-{name}", label, [base.get(name, "")], [mine.get(name, "")], [theirs.get(name, "")]
                )
            )
        else:
            outcome.values[name] = value
        if theirs.get(name, "") != base.get(name, ""):
            outcome.changed_by_them.append(label)
    for name in ("categories", "tags"):
        outcome.values[name] = merge_set(base.get(name, []), mine.get(name, []), theirs.get(name, []))
    outcome.body = merge_paragraphs(
        paragraphs(base.get("body", "")), paragraphs(mine.get("body", "")), paragraphs(theirs.get("body", ""))
    )
    outcome.clashes.extend(part for part in outcome.body if isinstance(part, Clash))
    if paragraphs(theirs.get("body", "")) != paragraphs(base.get("body", "")):
        outcome.changed_by_them.append("本文")
    return outcome
