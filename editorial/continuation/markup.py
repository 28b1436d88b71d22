"""The lines of a Markdown body (Jekyll, kramdown, GFM) and the part each plays.

The cut-off detector judges the last sentence of prose, so it needs to know
which lines are prose (paragraphs, quotations, list items), which are shown
content that is not prose (code, tables, images, embeds, Liquid tags, link
lines, headings, captions, math), and which are end matter that a writer
may put down before the body is finished (link and footnote definitions,
comments, attribute lists, rules, scripts, includes, hashtags, signatures). It also needs to know whether
the text stops inside something that must be closed: a code fence, a Liquid
block, an HTML comment or element, a math block, a table row.

This is not a Markdown parser: it reads line by line, as writers lay posts
out, and errs towards calling a line prose, which is the safe side for a
detector whose job is to notice unfinished sentences.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from .endings import BARE_URL


class Role(StrEnum):
    BLANK = "blank"
    PROSE = "prose"
    ITEM = "item"  # a list item's text, or a line continuing it
    CONTENT = "content"  # shown to readers, but not a sentence
    END_MATTER = "end matter"  # may be written before the body is finished


@dataclass
class Line:
    role: Role
    text: str  # prose and items: without list or quotation markers
    item: int | None = None  # items: which item of the body the line belongs to


@dataclass
class Body:
    lines: list[Line] = field(default_factory=list)
    left_open: str | None = None  # what the text stops inside, if anything


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_FOOTNOTE_DEFINITION = re.compile(r"^\s{0,3}\[\^[^\]]+\]:")
_LINK_DEFINITION = re.compile(r"^\s{0,3}(\[[^\]^][^\]]*\]|\*\[[^\]]+\]):\s*\S")
_ATTRIBUTE_LIST = re.compile(r"^\s*\{::?[^}]*\}\s*$")
# Liquid's {% tag %} (whose arguments may hold {{ value }}) and {{ value }};
# written so that a line of unclosed "{%" is read once, not once per "{%".
_LIQUID_VALUE = r"\{\{[^{}]*\}\}"
_LIQUID_ARGUMENTS = rf"(?:[^{{}}%]|{_LIQUID_VALUE}|%(?!\}}))*?"
_LIQUID_TOKEN = re.compile(rf"\{{%-?{_LIQUID_ARGUMENTS}-?%\}}|{_LIQUID_VALUE}")
_LIQUID_TAG = re.compile(rf"\{{%-?\s*(\w+)({_LIQUID_ARGUMENTS})-?%\}}")
_INDENTED = re.compile(r"^( {4}|\t)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?|^\s*[・●○■□◆◇▪▶►※]\s*")
_QUOTE_MARKER = re.compile(r"^\s{0,3}(?:>\s?)+")
_ATTRIBUTION = re.compile(r"^\s*(?:[—―–]{1,2}|-{1,2}\s)\s*\S")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")

# A line that only links somewhere: inline and reference links, images,
# autolinks and bare URLs, with at most a short label ("出典：", "Source:")
# and separators between them.
_LINK = (
    r"(?:\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)"  # a linked image
    r"|!?\[[^\]]*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # [text](url "title"), ![alt](url)
    r"|!?\[[^\]]+\]\[[^\]]*\]"  # [text][ref]
    r"|<https?://[^>\s]+>"
    rf"|{BARE_URL})"
)
_LINK_ONLY = re.compile(
    r"^\s*[→»▶⇒►]?\s*(?:[^:：\[\]()<>]{1,30}[:：]\s*)?"
    rf"(?:[*_]*{_LINK}[*_]*(?:\{{:[^}}]*\}})?[\s|・/,、→»-]*)+$"
)
_IMAGE_ONLY = re.compile(
    r"^\s*(?:!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])|\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\))\s*(?:\{:[^}]*\})?\s*$"
)

# HTML whose start makes a block (CommonMark's block-level tag names, and a
# lone complete tag on its line).
_HTML_BLOCK_TAGS = (
    "address|article|aside|blockquote|center|details|dialog|div|dl|figcaption|figure|footer|form|h[1-6]|"
    "header|hr|iframe|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul|video|audio|"
    "picture|source|embed|object|br|img|span|a|noscript"
)
_HTML_BLOCK_START = re.compile(rf"^\s{{0,3}}</?(?:{_HTML_BLOCK_TAGS})(?:[\s/>]|$)", re.IGNORECASE)
_HTML_LONE_TAG = re.compile(r"^\s{0,3}</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>\s*$")
# Elements a writer always closes; one left open at the end means the text stops inside it.
_HTML_CONTAINERS = (
    "div",
    "table",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "figure",
    "details",
    "section",
    "aside",
    "iframe",
    "video",
    "audio",
    "center",
)
# Raw HTML whose content is not Markdown: it runs to its closing tag, blank lines and all.
_HTML_RAW = re.compile(r"^\s{0,3}<(script|style|pre|textarea)(?:[\s>]|$)", re.IGNORECASE)

# Liquid blocks that a cut can leave open; any tag whose end tag appears in
# the text is a block too (plugins: {% figure %}, {% blockquote %} …).
_LIQUID_BLOCKS = {
    "if",
    "unless",
    "for",
    "case",
    "capture",
    "tablerow",
    "raw",
    "comment",
    "highlight",
    "codeblock",
    "figure",
}
# Liquid lines that are page furniture: includes (share buttons, related
# posts, a newsletter form) and one-line comments.
_FURNITURE_TAG = re.compile(r"^\{%-?\s*(?:include|include_relative|comment\b.*endcomment)\b")
# Liquid blocks whose content is not Markdown: nothing inside them is read.
_LIQUID_VERBATIM = {
    "raw": Role.CONTENT,
    "comment": Role.END_MATTER,
    "highlight": Role.CONTENT,
    "codeblock": Role.CONTENT,
}

_SIGN_OFF_EN = re.compile(
    r"^(?:cheers|thanks|thank you|thanks for reading|thank you for reading|happy \w+ing|enjoy|"
    r"stay (?:tuned|safe|curious)|until next time|see you next time|see you|talk soon|more soon|best|"
    r"best regards|regards|kind regards|take care|good luck|have fun|peace|the end|fin|onwards?|bye|"
    r"to be continued)\s*[!.,]*$",
    re.IGNORECASE,
)
_SIGN_OFF_JA = {
    "以上",
    "了",
    "完",
    "終",
    "おわり",
    "終わり",
    "おしまい",
    "つづく",
    "続く",
    "次回に続く",
    "次回へ続く",
    "乞うご期待",
    "お楽しみに",
    "次回もお楽しみに",
    "ではまた",
    "それではまた",
    "じゃあまた",
    "ではまた次回",
    "それではまた次回",
    "また次回",
    "またね",
    "ではでは",
    "ここまで",
    "また来週",
    "また明日",
    "今回はここまで",
    "今日はここまで",
    "本日はここまで",
    "ご参考まで",
    "参考まで",
}
_BYLINE = re.compile(
    r"^(?:[—―–]{1,2}|-{1,2}\s)\s*\S.{0,40}$"  # — 編集部, -- Taro
    r"|^[（(]?(?:文|筆者|著者|執筆|写真|文・写真|取材・文|編集|記)\s*[：:・／/]\s*\S.{0,30}$"
    r"|^(?:written|posted|edited|reported) by\s+\S.{0,40}$",
    re.IGNORECASE,
)
# A caption or credit under a figure or table: "出典：各社決算資料", "*図1：売上高の推移*".
_CAPTION = re.compile(
    r"^[*_（(]*(?:出典|参考|資料|データ|写真|画像|図|表|撮影|提供|画像提供|sources?|via|photo|image|figure|fig\.|table|"
    r"credits?|data)\s*\d*\s*[：:]\s*\S.{0,50}$"
    r"|^[*_]*(?:photo|image|cover image|header image)\s+(?:by|from|via|courtesy of)\s+\S.{0,60}$",
    re.IGNORECASE,
)
_HASHTAGS = re.compile(r"^\s*(?:[#＃][^\s#＃]+\s*)+$")
_SIGN_OFF_NOISE = re.compile(r"[\s、,。．.！!？?〜～ー♪☆★…]")


def read_body(text: str) -> Body:
    """Each line of ``text`` with its role, and what the text stops inside."""
    return _Reader(text).read()


class _Reader:
    def __init__(self, text: str):
        self.raw = text.rstrip().splitlines()
        self.body = Body()
        ends = {
            match.group(1)[3:] for match in _LIQUID_TAG.finditer(text) if match.group(1).startswith("end")
        }
        self.block_names = _LIQUID_BLOCKS | ends
        self.liquid_stack: list[str] = []
        # A block read without looking inside: (role, closes(line), what it is).
        self.verbatim: tuple[Role, Callable[[str], object], str] | None = None
        self.html_block: list[str] | None = None
        self.inside_tag = False  # an HTML tag spans lines: its attributes are not prose
        self.last_role: Role | None = None  # of the last line that is not blank
        self.table: tuple[int, bool] | None = None  # cells, ends with a pipe
        self.footnote = False
        self.item = 0

    def read(self) -> Body:
        for number, raw in enumerate(self.raw):
            following = self.raw[number + 1] if number + 1 < len(self.raw) else ""
            if self.verbatim:
                role, closes, _ = self.verbatim
                if closes(raw):
                    self.verbatim = None
                self._add(role, raw)
            elif not raw.strip():
                self.html_block = self.table = None
                self._add(Role.BLANK, "")
            elif self.html_block is not None:
                self._read_html(raw)
            elif self.table is not None and "|" in raw:
                self._add(Role.CONTENT, raw)
            else:
                self.table = None
                self._read_line(raw, following)
        self._mark_signatures()
        self.body.left_open = self._left_open()
        return self.body

    def _read_line(self, raw: str, following: str) -> None:
        stripped = raw.strip()
        for opener in (self._fence, self._math, self._kramdown_block, self._html_comment, self._raw_html):
            if opener(raw, stripped):
                return
        if "{%" in stripped:
            self._follow_liquid(stripped)
        if self._setext_underline(raw):
            return
        if _HTML_BLOCK_START.match(raw) or _HTML_LONE_TAG.match(raw):
            self.html_block, self.inside_tag = [], False
            self._read_html(raw)
            return
        if "|" in stripped and (stripped.startswith("|") or _starts_table(following)):
            delimiter = following if _starts_table(following) else raw
            self.table = (delimiter.strip().strip("|").count("|") + 1, delimiter.strip().endswith("|"))
            self._add(Role.CONTENT, raw)
            return
        role, text = self._role(raw, stripped)
        self._add(role, text)

    def _role(self, raw: str, stripped: str) -> tuple[Role, str]:
        previous = self._previous_role()
        if _RULE.match(raw):
            return Role.END_MATTER, raw
        if _ATX_HEADING.match(raw):
            return Role.CONTENT, raw
        if _FOOTNOTE_DEFINITION.match(raw):
            self.footnote = True
            return Role.END_MATTER, raw
        if self.footnote and (_INDENTED.match(raw) or self.body.lines[-1].role is Role.END_MATTER):
            return Role.END_MATTER, raw  # the footnote goes on: indented, or a lazy line
        self.footnote = False
        if _LINK_DEFINITION.match(raw) or _ATTRIBUTE_LIST.match(raw):
            return Role.END_MATTER, raw
        if "{" in stripped and (
            not _LIQUID_TOKEN.sub("", stripped).strip() or stripped.endswith(("%}", "}}"))
        ):
            return self._liquid_role(stripped), raw
        if _INDENTED.match(raw) and self._code_may_start(previous):
            return Role.CONTENT, raw
        return self._text_role(raw)

    def _text_role(self, raw: str) -> tuple[Role, str]:
        quoted = _QUOTE_MARKER.match(raw)
        text = raw[quoted.end() :] if quoted else raw
        if not text.strip():
            return Role.BLANK, ""
        if quoted and _ATTRIBUTION.match(text):
            return Role.CONTENT, text  # "> — 出典": the quotation before it is over
        if (
            _ATX_HEADING.match(text)
            or _IMAGE_ONLY.match(text)
            or _LINK_ONLY.match(text)
            or _CAPTION.match(text)
        ):
            return Role.CONTENT, text
        if _HASHTAGS.match(text):
            return Role.END_MATTER, text  # "#投資 #半導体": tags, added at any time
        marker = _LIST_MARKER.match(text)
        if marker:
            item_text = text[marker.end() :]
            if _LINK_ONLY.match(item_text) or _IMAGE_ONLY.match(item_text):
                return Role.CONTENT, item_text
            self.item += 1
            return Role.ITEM, item_text.strip()
        if self.body.lines and self.body.lines[-1].role is Role.ITEM:
            return Role.ITEM, text.strip()  # the item's text wraps onto this line
        return Role.PROSE, text.strip()

    def _liquid_role(self, stripped: str) -> Role:
        """A line of Liquid alone, or a value line ("更新日: {{ page.date }}"): shown
        content, except what belongs to the page's furniture (an include, most
        often a footer) and comments, which are end matter."""
        if self.verbatim is not None:  # the line opened {% highlight %}, {% comment %} …
            return self.verbatim[0]
        if _FURNITURE_TAG.match(stripped):
            return Role.END_MATTER
        return Role.CONTENT

    def _code_may_start(self, previous: Role | None) -> bool:
        """An indented line is code after a blank line, or after code; not when
        it continues a list item (the item's second paragraph)."""
        last = self.body.lines[-1] if self.body.lines else None
        if last is not None and last.role is Role.CONTENT and _INDENTED.match(last.text):
            return True
        return (last is None or last.role is Role.BLANK) and previous is not Role.ITEM

    # -- blocks that must be closed ----------------------------------------

    def _fence(self, raw: str, stripped: str) -> bool:
        match = _FENCE.match(raw)
        if not match or (match.group(1)[0] == "`" and "`" in match.group(2)):
            return False
        marker = match.group(1)
        closing = re.compile(rf"^\s*{re.escape(marker[0])}{{{len(marker)},}}\s*$")
        self.verbatim = (Role.CONTENT, closing.match, marker)
        self._add(Role.CONTENT, raw)
        return True

    def _math(self, raw: str, stripped: str) -> bool:
        if not stripped.startswith("$$"):
            return False
        if stripped.count("$$") % 2:
            self.verbatim = (Role.CONTENT, lambda line: "$$" in line, "$$")
        self._add(Role.CONTENT, raw)
        return True

    def _kramdown_block(self, raw: str, stripped: str) -> bool:
        match = re.match(r"\{::(comment|nomarkdown)\}", stripped)
        if not match:
            return False
        name = match.group(1)
        role = Role.END_MATTER if name == "comment" else Role.CONTENT
        closes = re.compile(rf"\{{:/(?:{name})?\}}").search
        if not closes(stripped, match.end()):
            self.verbatim = (role, closes, "{::" + name + "}")
        self._add(role, raw)
        return True

    def _html_comment(self, raw: str, stripped: str) -> bool:
        if not stripped.startswith("<!--"):
            return False
        if "-->" not in stripped[4:]:
            self.verbatim = (Role.END_MATTER, lambda line: "-->" in line, "<!--")
        self._add(Role.END_MATTER, raw)
        return True

    def _raw_html(self, raw: str, stripped: str) -> bool:
        match = _HTML_RAW.match(raw)
        if not match:
            return False
        tag = match.group(1).lower()
        role = Role.END_MATTER if tag in ("script", "style") else Role.CONTENT
        closes = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search
        if not closes(stripped):
            self.verbatim = (role, closes, f"<{tag}>")
        self._add(role, raw)
        return True

    def _follow_liquid(self, line: str) -> None:
        """Open and close Liquid blocks in the order their tags come on ``line``."""
        position = 0
        while match := _LIQUID_TAG.search(line, position):
            name = match.group(1)
            position = match.end()
            if name.startswith("end") and name[3:] in self.liquid_stack:
                while self.liquid_stack.pop() != name[3:]:
                    pass
            elif name in _LIQUID_VERBATIM:
                closes = re.compile(rf"\{{%-?\s*end{name}\s*-?%\}}").search
                end = closes(line, position)
                if end is None:
                    self.verbatim = (_LIQUID_VERBATIM[name], closes, "{% " + name + " %}")
                    return
                position = end.end()
            elif name in self.block_names:
                self.liquid_stack.append(name)

    def _setext_underline(self, raw: str) -> bool:
        """``===`` or ``---`` right under a paragraph line makes that line a heading."""
        last = self.body.lines[-1] if self.body.lines else None
        if last is None or last.role is not Role.PROSE or not _SETEXT_UNDERLINE.match(raw):
            return False
        last.role = Role.CONTENT
        self._add(Role.CONTENT, raw)
        return True

    def _read_html(self, raw: str) -> None:
        """A line of an HTML block: markup is content; text after the last tag
        is prose, so that a sentence cut inside a ``<p>`` is still judged."""
        self.html_block.append(raw)
        was_inside_tag = self.inside_tag
        if raw.rfind("<") > raw.rfind(">"):
            self.inside_tag = True
        elif ">" in raw:
            self.inside_tag = False
        after_last_tag = raw[raw.rfind(">") + 1 :]
        if (
            self.inside_tag
            or was_inside_tag
            and ">" not in raw
            or not after_last_tag.strip()
            or raw.strip().endswith(("%}", "}}"))
        ):
            self._add(Role.CONTENT, raw)
        else:
            self._add(Role.PROSE, after_last_tag.strip())

    # -- after the scan ----------------------------------------------------

    def _left_open(self) -> str | None:
        if self.verbatim:
            return self.verbatim[2]
        if self.liquid_stack:
            return "{% " + self.liquid_stack[-1] + " %}"
        if self.html_block is not None:
            return _open_html_element(self.html_block)
        if self.table is not None:
            cells, closed_with_pipe = self.table
            last = self.raw[-1].strip()
            if last.strip("|").count("|") + 1 < cells or (closed_with_pipe and not last.endswith("|")):
                return "table row"
        return None

    def _mark_signatures(self) -> None:
        """A sign-off, a byline or a closing formula after the last prose is end matter."""
        lines = self.body.lines
        prose = [index for index, line in enumerate(lines) if line.role in (Role.PROSE, Role.ITEM)]
        for position in range(len(prose) - 1, -1, -1):
            line = lines[prose[position]]
            if line.role is not Role.PROSE:
                return
            if _is_sign_off(line.text):
                line.role = Role.END_MATTER
                continue
            # "Cheers,\nTaro": a short name under a sign-off ending with a comma.
            above = lines[prose[position - 1]] if position else None
            if (
                above is not None
                and above.role is Role.PROSE
                and above.text.endswith(",")
                and _SIGN_OFF_EN.match(above.text)
                and len(line.text.split()) <= 4
            ):
                line.role = above.role = Role.END_MATTER
            return

    # -- helpers -------------------------------------------------------------

    def _add(self, role: Role, text: str) -> None:
        self.body.lines.append(Line(role, text, self.item if role is Role.ITEM else None))
        if role is not Role.BLANK:
            self.last_role = role

    def _previous_role(self) -> Role | None:
        return self.last_role


def _starts_table(line: str) -> bool:
    return "|" in line and bool(_TABLE_DELIMITER.match(line))


def _is_sign_off(text: str) -> bool:
    stripped = text.strip().strip("*_")
    if _SIGN_OFF_EN.match(stripped) or _BYLINE.match(stripped):
        return True
    return _SIGN_OFF_NOISE.sub("", stripped).strip("（）()【】「」") in _SIGN_OFF_JA


def _open_html_element(block: list[str]) -> str | None:
    text = "\n".join(block)
    if "<" in text[text.rfind(">") + 1 :]:
        return "<"  # a tag cut before its ">"
    for tag in _HTML_CONTAINERS:
        opened = len(re.findall(rf"<{tag}(?:[\s>/]|$)", text, re.IGNORECASE | re.MULTILINE))
        closed = len(re.findall(rf"</{tag}\s*>", text, re.IGNORECASE))
        if opened > closed:
            return f"<{tag}>"
    return None
