"""The one Markdown renderer: every body reaches a browser through here.

markdown-it-py parses CommonMark (GitHub's and kramdown's list rules: a
nested list is indented to the text of its parent item, two spaces after
``-``) in time linear in the body; docs/markdown.md has the measurements
that chose it over Python-Markdown. Raw HTML passes through the parser
untouched, so its output is never trusted: nh3 keeps only the tags,
attributes and URL schemes listed below. The admin's live preview uses the
same function (``MARKDOWNX_MARKDOWNIFY_FUNCTION``).
"""

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

import markdown_it
import mdit_py_plugins
import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline.state_inline import Scanned, StateInline
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import link_destination

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip

# Heading ids carry the anchors of the table of contents; footnotes link
# by id too. No style, no event handlers, no class on anything a reader could
# use to restyle the page.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "li": {"id"},
    "sup": {"id"},
    "td": {"align"},
    "th": {"align"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src"}

# Each quote opens one level and each list two, so this stops the parser
# at 100 nested quotes or 50 nested lists: far past any article, and short
# of Python's recursion limit (the parser recurses once per level). What is
# nested deeper is shown as the paragraph of text it was written as.
MAX_NESTING = 100
# Checking whether a ``[`` opens a link means reading the label after it,
# and every ``[`` inside that label again, up to the nesting limit: a label
# with brackets nested deeper than this is not a link, which keeps
# ``[[[[…`` from costing a hundred passes over the text. Real labels nest
# two or three deep.
MAX_LABEL_DEPTH = 4
MARKDOWN_OPTIONS = {"html": True, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING}
MARKDOWN_RULES = ["table", "strikethrough"]
# Footnotes only in the ``[^label]`` form (``^[text]`` could be ordinary
# text); ``$`` next to a digit or a blank is a price, not math.
MARKDOWN_PLUGINS = {
    "footnote": {"inline": False},
    "deflist": {},
    "dollarmath": {"allow_space": False, "allow_digits": False, "allow_labels": False, "double_inline": True},
}
PERMALINK = {"text": "#", "title": "この見出しへのリンク", "class": "headerlink"}
# ``*[HTML]: Hyper Text Markup Language`` lines, as Python-Markdown read
# them; past this many the rest are dropped, not matched, so that the cost
# of finding them stays a small multiple of the text's length.
MAX_ABBREVIATIONS = 100
# Articles with at least this many section headings get a table of contents.
TOC_MIN_HEADINGS = 3


_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff]+")
_NOT_IN_SLUG = re.compile(r"[^\w\s-]")
_SLUG_GAP = re.compile(r"[-\s]+")
_NUMBERED_SLUG = re.compile(r"^(.*)_([0-9]+)$")
_ABBREVIATION = re.compile(r"\*\[([^\]\n]+)\]:(.*)")
_PLUGINS = {"footnote": footnote_plugin, "deflist": deflist_plugin, "dollarmath": dollarmath_plugin}


# Bump when the rendering changes in a way the settings below do not show
# (a new post-processing step, say): stored renderings are then redone.
RENDERING_REVISION = 2


@functools.cache
def renderer_fingerprint() -> str:
    """What a stored rendering was made with: the allowlists, the Markdown
    set-up and the library versions. Any change to them makes every stored
    rendering stale, so a tightened sanitiser reaches old articles on their
    next view without anyone remembering to reset them."""
    described = repr(
        (
            RENDERING_REVISION,
            sorted(ALLOWED_TAGS),
            sorted((tag, sorted(names)) for tag, names in ALLOWED_ATTRIBUTES.items()),
            sorted(ALLOWED_URL_SCHEMES),
            json.dumps([MARKDOWN_OPTIONS, MARKDOWN_RULES, MARKDOWN_PLUGINS, PERMALINK], sort_keys=True),
            MAX_ABBREVIATIONS,
            MAX_LABEL_DEPTH,
            TOC_MIN_HEADINGS,
            markdown_it.__version__,
            mdit_py_plugins.__version__,
            getattr(nh3, "__version__", ""),
        )
    )
    return hashlib.sha256(described.encode()).hexdigest()


def _drop_disguised_schemes(tag, attribute, value):
    """nh3 reads ``java  script:`` (Markdown turns a tab into spaces) as a
    relative URL, and so do browsers today; drop it anyway, so that no
    reading which ignores blanks inside a scheme can find one we refused."""
    if attribute in URL_ATTRIBUTES:
        match = _SCHEME.match(_BLANK_OR_CONTROL.sub("", value))
        if match and match.group(1).lower() not in ALLOWED_URL_SCHEMES:
            return None
    return value


def sanitise_html(html: str) -> str:
    """Return ``html`` with everything outside the allow-list removed."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_drop_disguised_schemes,
        allowed_classes={"a": {"headerlink"}},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def slugify(text: str) -> str:
    """A heading's anchor: word characters of any script, lower-cased,
    runs of blanks and hyphens as one hyphen. The same anchors as the
    Python-Markdown ``toc`` set-up before, so old links still land."""
    kept = _NOT_IN_SLUG.sub("", text).strip().lower()
    return _SLUG_GAP.sub("-", kept)


class _Anchors:
    """Unique heading ids: a repeat gets ``_1``, ``_2`` … as before.
    ``runs`` remembers, per stem, how many numbered ids in a row are taken,
    so a thousand equal headings do not each count up from one."""

    def __init__(self):
        self.taken = set()
        self.runs = {}

    def claim(self, slug: str) -> str:
        if slug and slug not in self.taken:
            self.taken.add(slug)
            return slug
        numbered = _NUMBERED_SLUG.match(slug)
        stem, number = (numbered.group(1), int(numbered.group(2))) if numbered else (slug, 0)
        run = self.runs.get(stem, 0)
        extends_run = number <= run or slug == f"{stem}_{run + 1}"
        number = max(number, run) if extends_run else number
        number += 1
        while f"{stem}_{number}" in self.taken:
            number += 1
        if extends_run:
            self.runs[stem] = number
        anchor = f"{stem}_{number}"
        self.taken.add(anchor)
        return anchor


def _heading_text(inline) -> str:
    """What a reader sees of a heading: its text and code, without tags,
    images or footnote marks, blanks squeezed."""
    parts = []
    for child in inline.children or ():
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "math_inline":
            parts.append(f"${child.content}$")
        elif child.type == "math_inline_double":
            parts.append(f"$${child.content}$$")
    return " ".join("".join(parts).split())


def _anchor_headings(state):
    """Give every heading its id and collect the table of contents."""
    anchors = _Anchors()
    headings = []
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        name = _heading_text(tokens[index + 1])
        anchor = anchors.claim(slugify(name))
        token.attrSet("id", anchor)
        tokens[index + 2].meta["anchor"] = anchor
        headings.append({"id": anchor, "name": name, "level": int(token.tag[1]), "children": []})
    state.env["headings"] = headings


def _table_of_contents(headings: list) -> list:
    """Every h2 with the deeper headings up to the next h1 or h2 nested
    under it, each under the nearest shallower one."""
    sections, parents = [], []
    for heading in headings:
        level = heading["level"]
        if level <= 2:
            parents = [heading] if level == 2 else []
            if level == 2:
                sections.append(heading)
            continue
        while parents and parents[-1]["level"] >= level:
            parents.pop()
        if parents:
            parents[-1]["children"].append(heading)
            parents.append(heading)
    return sections


def _align_cells(state):
    """Tables say their alignment with ``align``, which the sanitiser keeps,
    instead of the parser's ``style``, which it drops."""
    for token in state.tokens:
        if token.type in {"th_open", "td_open"} and token.attrs.get("style"):
            token.attrs = {"align": token.attrs["style"].removeprefix("text-align:")}


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in {"W", "F"}


class _JapaneseInlineState(StateInline):
    """CommonMark will not close ``**「注目」**の`` (punctuation inside the
    stars, a letter straight after) because it expects a space there, and
    Japanese has none. Python-Markdown did bold it, so ``*`` and ``~``
    runs next to a full-width character on their outer side may open or
    close as if a space were there; ``_`` keeps the CommonMark rule."""

    def scanDelims(self, start, canSplitWord):
        scanned = super().scanDelims(start, canSplitWord)
        if not canSplitWord:
            return scanned
        end = start + scanned.length
        before = self.src[start - 1] if start > 0 else " "
        after = self.src[end] if end < self.posMax else " "
        can_open = scanned.can_open or (not after.isspace() and _wide(before))
        can_close = scanned.can_close or (not before.isspace() and _wide(after))
        return Scanned(can_open, can_close, scanned.length)


def _parse_inline_japanese(inline):
    def parse(src, md, env, tokens):
        state = _JapaneseInlineState(src, md, env, tokens)
        inline.tokenize(state)
        for rule in inline.ruler2.getRules(""):
            rule(state)
        return state.tokens

    return parse


def _flat_when_too_deep(tokenize):
    """markdown-it drops everything from a block nested past the limit to
    the end of the body; stop at the end of that block instead, and keep
    its lines as one paragraph of text."""

    def guarded(state, start_line, end_line, *args):
        if state.level < MAX_NESTING:
            return tokenize(state, start_line, end_line, *args)
        state.env["too_deep"] = True
        line = last = start_line
        while line < end_line and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
            line += 1
            if not state.isEmpty(line - 1):
                last = line
        if last > start_line:
            state.push("paragraph_open", "p", 1).map = [start_line, last]
            inline = state.push("inline", "", 0)
            inline.content = state.getLines(start_line, last, state.blkIndent, False).strip()
            inline.map, inline.children = [start_line, last], []
            state.push("paragraph_close", "p", -1)
        state.line = line

    return guarded


def _deep_bracket(state, silent):
    if not silent or state.level <= MAX_LABEL_DEPTH:
        return False
    here = state.src[state.pos]
    if here == "[" or (here == "!" and state.src.startswith("[", state.pos + 1)):
        # As markdown-it does at its own nesting limit: the label cannot
        # close, so none of the brackets around it open a link.
        state.pos = state.posMax
        return True
    return False


def _abbreviation_definition(state, start_line, end_line, silent):
    if state.is_code_block(start_line):
        return False
    line = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]]
    defined = _ABBREVIATION.fullmatch(line)
    if defined is None:
        return False
    if not silent:
        state.env.setdefault("abbreviations", {})[defined.group(1).strip()] = defined.group(2).strip(" \t")
        state.line = start_line + 1
    return True


def _mark_abbreviations(state):
    """Wrap each defined abbreviation in the text (not in code) in ``<abbr title>``."""
    defined = dict(list(state.env.get("abbreviations", {}).items())[:MAX_ABBREVIATIONS])
    defined = {term: title for term, title in defined.items() if term and title}
    if not defined:
        return
    terms = sorted(defined, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, terms)) + r")(?!\w)")
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = []
        for child in block.children:
            if child.type != "text" or pattern.search(child.content) is None:
                children.append(child)
                continue
            done = 0
            for found in pattern.finditer(child.content):
                children.append(_text(child.content[done : found.start()]))
                opening = Token("abbr_open", "abbr", 1)
                opening.attrSet("title", defined[found.group(0)])
                children += [opening, _text(found.group(0)), Token("abbr_close", "abbr", -1)]
                done = found.end()
            children.append(_text(child.content[done:]))
        block.children = children


def _text(content):
    token = Token("text", "", 0)
    token.content = content
    return token


def _heading_close(self, tokens, index, options, env):
    anchor = escapeHtml(tokens[index].meta.get("anchor", ""))
    link = f'<a class="{PERMALINK["class"]}" href="#{anchor}" title="{PERMALINK["title"]}">{PERMALINK["text"]}</a>'
    return f"{link}</{tokens[index].tag}>\n"


def _footnote_label(env, number: int) -> str:
    label = env["footnotes"]["list"][number].get("label")
    return escapeHtml(label if label is not None else str(number + 1))


def _footnote_ref(self, tokens, index, options, env):
    meta = tokens[index].meta
    label = _footnote_label(env, meta["id"])
    again = meta.get("subId", 0)
    ref = f"fnref{again + 1 if again else ''}:{label}"
    return f'<sup id="{ref}"><a href="#fn:{label}">{meta["id"] + 1}</a></sup>'


def _footnote_anchor(self, tokens, index, options, env):
    meta = tokens[index].meta
    again = meta.get("subId", 0)
    ref = f"fnref{again + 1 if again else ''}:{_footnote_label(env, meta['id'])}"
    return f'&nbsp;<a href="#{ref}" title="本文の脚注{meta["id"] + 1}へ戻る">↩</a>'


def _footnote_open(self, tokens, index, options, env):
    return f'<li id="fn:{_footnote_label(env, tokens[index].meta["id"])}">'


def _math(opening, closing, *, block=False):
    # Kept as its source, delimiters and all: readers see the formula as
    # written, search finds it, and a typesetting script added later finds
    # the delimiters it looks for (they skip <code>, so this is not code).
    def render(self, tokens, index, options, env):
        source = escapeHtml(tokens[index].content.strip())
        if block:
            return f"<div>{opening}\n{source}\n{closing}</div>\n"
        return f"<span>{opening}{source}{closing}</span>"

    return render


@functools.cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", MARKDOWN_OPTIONS).enable(MARKDOWN_RULES)
    for name, options in MARKDOWN_PLUGINS.items():
        parser.use(_PLUGINS[name], **options)
    parser.block.ruler.before(
        "reference", "abbreviation", _abbreviation_definition, {"alt": ["paragraph", "reference"]}
    )
    parser.helpers = link_destination.HELPERS
    parser.block.tokenize = _flat_when_too_deep(parser.block.tokenize)
    parser.inline.parse = _parse_inline_japanese(parser.inline)
    parser.inline.ruler.before("link", "deep_bracket", _deep_bracket)
    parser.core.ruler.push("abbreviations", _mark_abbreviations)
    parser.core.ruler.push("align_cells", _align_cells)
    parser.core.ruler.push("anchor_headings", _anchor_headings)
    parser.add_render_rule("heading_close", _heading_close)
    parser.add_render_rule("footnote_ref", _footnote_ref)
    parser.add_render_rule("footnote_anchor", _footnote_anchor)
    parser.add_render_rule("footnote_open", _footnote_open)
    parser.add_render_rule("footnote_block_open", lambda *_: "<div>\n<hr>\n<ol>\n")
    parser.add_render_rule("footnote_block_close", lambda *_: "</ol>\n</div>\n")
    parser.add_render_rule("math_inline", _math("$", "$"))
    parser.add_render_rule("math_inline_double", _math("$$", "$$"))
    parser.add_render_rule("math_block", _math("$$", "$$", block=True))
    return parser


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list  # [{"id", "name", "level", "children"}]: the body's h2 sections, deeper headings nested
    too_deep: bool = False  # a list or quote nested past MAX_NESTING was shown as plain text


def render(text: str) -> Rendered:
    """Render an article body (Markdown) to sanitised HTML and its headings."""
    parser = _parser()
    env = {}
    tokens = parser.parse(text or "", env)
    html_out = sanitise_html(parser.renderer.render(tokens, parser.options, env))
    sections = _table_of_contents(env.get("headings", []))
    return Rendered(
        html=html_out,
        toc=sections if len(sections) >= TOC_MIN_HEADINGS else [],
        too_deep=env.get("too_deep", False),
    )


def render_markdown(text: str) -> str:
    """Render an article body (Markdown) to sanitised HTML, safe to mark safe."""
    return render(text).html
