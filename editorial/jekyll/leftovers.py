"""What the import could not convert, kept in the body where it was.

The converters put an HTML comment in place of what they could not turn into
Markdown (``<!-- 取り込み時に変換できなかった Liquid: {% youtube abc %} -->``) or
after an image they could not find. The sanitiser drops comments, so readers
never see them; the editor sees them in the body, and ``import_findings``
reads them from the body as it is now, so a finding goes away once the editor
has dealt with it (deleted the comment, or replaced the missing image).
"""

import re

UNCONVERTED_LIQUID = "取り込み時に変換できなかった Liquid"
UNCONVERTED_KRAMDOWN = "取り込み時に変換できなかった kramdown"
MISSING_IMAGE = "取り込み時に見つからなかった画像"

# Inside a marker: anything on the line but "-->", read one way only (a marker
# pattern that could also span the next marker would backtrack exponentially).
_INSIDE = r"(?:[^\n-]|-(?!->))*"
_ANY_MARKER = rf"<!-- 取り込み時に{_INSIDE}-->"
MARKER = re.compile(rf"<!-- (取り込み時に[^:\n]{{1,40}}): ({_INSIDE}?) -->")
# A marker at the start of a block would open a raw HTML block in CommonMark
# and take the rest of its line out of Markdown. At the start of a paragraph
# or list item it gets a line of its own; inside a paragraph, where a line of
# its own would split it, it goes to the end of its line.
_LEADING_MARKERS = re.compile(
    r"(?P<lead>[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)*)"
    rf"(?P<markers>(?:{_ANY_MARKER}[ \t]*)+)(?P<rest>\S[^\n]*)"
)
_MARKERS_ONLY = re.compile(rf"[ \t>]*(?:{_ANY_MARKER}[ \t]*)+")
_LIST_MARKER = re.compile(r"[-*+]|\d{1,9}[.)]")
# A marker in a link destination or an attribute value would make the link
# point at the comment's text: the link becomes its text, the attribute empty,
# and the marker follows.
_MARKER_IN_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
    rf"\((?P<before>[^()\n]*?)(?P<marker>{_ANY_MARKER})(?P<after>[^()\n]*)\)"
)
_TAG = re.compile(r"""<[a-zA-Z][\w-]*(?=[\s/>])(?:[^<>"']|"[^"]*"|'[^']*')*>""")
_MARKER_IN_VALUE = re.compile(rf"""(?P<quote>["'])[^"'\n]*?(?P<marker>{_ANY_MARKER})[^"'\n]*?(?P=quote)""")


def marker(kind: str, source: str) -> str:
    """The comment that stands for ``source``: one line, and nothing in it that
    would end the comment early or make CommonMark refuse it."""
    text = re.sub(r"\s+", " ", source).strip()
    return f"<!-- {kind}: {text.replace('--', '-‐')} -->"


def _move_out_of_links(text: str) -> str:
    def unlink(match):
        kept = "" if match["bang"] else match["text"]
        return f"{kept}{match['marker']}"

    return _MARKER_IN_LINK.sub(unlink, text)


def _move_out_of_attributes(text: str) -> str:
    def fix_tag(match):
        tag = match.group()
        if "<!-- 取り込み時に" not in tag[1:]:
            return tag
        found = []

        def empty(value):
            found.append(value["marker"])
            return value["quote"] * 2

        return _MARKER_IN_VALUE.sub(empty, tag) + "".join(found)

    return _TAG.sub(fix_tag, text)


def tidy(text: str) -> str:
    """Put markers where they cannot break the Markdown around them."""
    if "<!-- 取り込み時に" not in text:
        return text
    text = _move_out_of_links(text)
    text = _move_out_of_attributes(text)
    lines = text.split("\n")
    for number, line in enumerate(lines):
        match = _LEADING_MARKERS.fullmatch(line)
        if not match:
            continue
        lead, markers, rest = match["lead"], match["markers"].rstrip(), match["rest"]
        previous = lines[number - 1] if number else ""
        if previous.strip() and not _MARKERS_ONLY.fullmatch(previous):
            lines[number] = f"{lead}{rest} {markers}"
        else:
            continuation = _LIST_MARKER.sub(lambda marker: " " * len(marker.group()), lead)
            lines[number] = f"{lead}{markers}\n{continuation}{rest}"
    return "\n".join(lines)


def import_findings(blocks: list[str]) -> list[tuple[int, str]]:
    """``(paragraph number, message)`` for each import marker still in the body.

    ``blocks`` are the body's paragraphs as ``editorial.checks.paragraphs``
    gives them. A missing image counts only while the body still uses it.
    """
    body = MARKER.sub("", "\n\n".join(blocks))
    findings = []
    for number, block in enumerate(blocks, start=1):
        for match in MARKER.finditer(block):
            kind, source = match.groups()
            if kind == MISSING_IMAGE:
                if source.replace("-‐", "--") in body:
                    findings.append((number, f"画像が見つからないまま残っています: {source}"))
            else:
                findings.append(
                    (
                        number,
                        f"{kind} の記法が残っています: {source}"
                        "（内容を確かめて書き直し、この <!-- --> コメントを削除してください）",
                    )
                )
    return findings
