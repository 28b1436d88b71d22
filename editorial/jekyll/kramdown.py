"""kramdown's own syntax, converted once at import into plain Markdown.

Jekyll's default Markdown is kramdown; the CMS renders CommonMark, which
would print kramdown's additions as text. Attribute lists only style or name
what they follow, and the sanitiser would drop classes and styles anyway, so
they are removed; so is the ``{:toc}`` list (the CMS makes its own table of
contents) and ``{::comment}``. ``{::nomarkdown}`` becomes a raw HTML block.
Math (``$$…$$``), code and HTML comments are left byte for byte.
"""

import re

from . import leftovers, regions
from .liquid import Converted

# Each attribute must end at a blank or the closing brace, so that a run of
# letters can be read only one way (no exponential backtracking).
_ATTRIBUTE = (
    r"""(?:(?:[.#][\w-]+)+|[\w:-]+=(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^\s"'}]*)|[\w-]+)(?=[\s}])"""
)
# An inline attribute list ({: .class #id key="v"}) or an attribute list
# definition ({:name: .class}); kramdown lets either run over several lines.
IAL = rf"\{{:(?![:/])(?:[\w-]+:)?\s*(?:{_ATTRIBUTE}\s*)*\}}"
_IAL = re.compile(IAL)
_IAL_LINES = re.compile(rf"^(?:[ \t]*(?:{IAL}[ \t]*)+(?:\n|\Z))+", re.MULTILINE)
_TOC = re.compile(r"^[ \t]*\{:[ \t]*toc[ \t]*\}[ \t]*(?:\n|\Z)", re.MULTILINE)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_HEADER_ID = re.compile(
    r"^(?P<heading>#{1,6}[ \t]+[^\n]*?|[^\n]*\S(?=[ \t]*\{#[\w:.-]+\}[ \t]*\n[ \t]*(?:=+|-+)[ \t]*$))[ \t]*\{#[\w:.-]+\}[ \t]*$",
    re.MULTILINE,
)
_EXTENSION = re.compile(r"\{::([\w-]+)((?:\\\}|[^}])*?)(/)?\}")
_CONTAINS_PREFORMATTED = re.compile(r"<(?:pre|textarea)\b", re.IGNORECASE)


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end + 1


def _extensions(text: str, converted: Converted) -> str:
    """``{::comment}``, ``{::nomarkdown}`` and ``{::options /}``, block or span."""
    protected = regions.protected(text, comments=True, math=True)
    pieces, position = [], 0
    while match := _EXTENSION.search(text, position):
        if regions.inside(protected, match.start()):
            pieces.append(text[position : match.end()])
            position = match.end()
            continue
        name = match.group(1)
        closing = None
        if not match.group(3) and name in ("comment", "nomarkdown"):
            closing = next(
                (
                    end
                    for end in re.finditer(rf"\{{:/(?:{name})?\}}", text[match.end() :])
                    if not regions.inside(protected, match.end() + end.start())
                ),
                None,
            )
        start, stop = match.start(), match.end()
        if closing:
            stop = match.end() + closing.end()
        line_start, line_end = _line_start(text, start), _line_end(text, stop)
        block = not text[line_start:start].strip() and not text[stop:line_end].strip()
        if block:
            start, stop = line_start, line_end
        pieces.append(text[position:start])
        position = stop
        if match.group(3) and name == "options" or closing and name == "comment":
            continue
        if closing:
            content = text[match.end() : match.end() + closing.start()]
            if not block:
                pieces.append(content)
                continue
            if not _CONTAINS_PREFORMATTED.search(content):
                # A blank line would end the HTML block in CommonMark.
                content = "\n".join(line for line in content.split("\n") if line.strip())
            following = text[stop:]
            gap = "" if not following or following.startswith("\n") else "\n"
            pieces.append(f"<div>\n{content.strip(chr(10))}\n</div>\n{gap}")
            continue
        source = text[match.start() : match.end()]
        if name in ("comment", "nomarkdown"):
            reason = f"対応する {{:/{name}}} がありません"
        else:
            reason = "取り込みでは対応していない拡張です"
            if f"::{name}" not in converted.unknown_tags:
                converted.unknown_tags.append(f"::{name}")
        converted.problems.append(
            f"「{source[:60]}」は変換できないため、読者には見せずに残しました（{reason}）。"
        )
        marker = leftovers.marker(leftovers.UNCONVERTED_KRAMDOWN, source)
        pieces.append(f"{marker}\n" if block else marker)
    pieces.append(text[position:])
    return "".join(pieces)


def _remove_toc(text: str) -> str:
    """``* TOC`` followed by ``{:toc}``: kramdown's generated table of contents."""
    protected = regions.protected(text, comments=True, math=True)
    for match in reversed(list(_TOC.finditer(text))):
        if regions.inside(protected, match.start()):
            continue
        start = match.start()
        while start:
            previous = _line_start(text, start - 1)
            if not _LIST_ITEM.match(text[previous:start]):
                break
            start = previous
        text = text[:start] + text[match.end() :]
    return text


def _remove_attribute_lists(text: str) -> str:
    protected = regions.protected(text, comments=True, math=True)
    pieces, position = [], 0
    for match in _IAL_LINES.finditer(text):
        if regions.inside(protected, match.start()):
            continue
        pieces.append(text[position : match.start()])
        before = text[_line_start(text, match.start() - 1) : match.start()] if match.start() else ""
        after = text[match.end() : _line_end(text, match.end())]
        # The list ended the block before it; without it the two blocks would run together.
        pieces.append("\n" if before.strip() and after.strip() else "")
        position = match.end()
    pieces.append(text[position:])
    text = "".join(pieces)
    protected = regions.protected(text, comments=True, math=True)
    return regions.outside(text, protected, lambda part: _IAL.sub("", part))


def _remove_header_ids(text: str) -> str:
    protected = regions.protected(text, comments=True, math=True)
    return _HEADER_ID.sub(
        lambda match: match.group() if regions.inside(protected, match.start()) else match.group("heading"),
        text,
    )


def convert(text: str) -> Converted:
    """Turn kramdown's additions in a body into plain Markdown (see the module
    docstring); what cannot be converted is kept out of the reader's page as
    a marker comment and listed in ``problems``. Never raises."""
    if "{:" not in text and "{#" not in text:
        return Converted(text)
    converted = Converted(text)
    result = _extensions(text, converted) if "{::" in text else text
    result = _remove_toc(result)
    result = _remove_attribute_lists(result)
    result = _remove_header_ids(result)
    converted.text = leftovers.tidy(result)
    return converted
