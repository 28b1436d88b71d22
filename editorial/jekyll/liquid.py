"""Jekyll's Liquid, converted once at import into plain Markdown.

Jekyll renders a post's Liquid before its Markdown; the CMS stores Markdown
an editor can work with, so the import does that rendering here, for what a
post can hold: variables with the common filters, ``highlight`` (a fenced
code block), ``raw``, ``post_url``, ``link``, ``include`` and
``include_relative``, ``comment``, ``assign``, ``capture``, and ``if``,
``unless``, ``case`` and ``for`` when their values are known. What it cannot
convert is kept out of the reader's page as a marker comment (see
``leftovers``) and listed in ``problems``; docs/jekyll-conversion.md has the
decisions.

Code is special. Jekyll renders Liquid in code blocks too (that is what
``raw`` is for), so in code, math and HTML comments a variable is replaced
when its value is known and ``raw`` is unwrapped, but nothing else changes:
a marker there would show as text, and Liquid shown as an example is the
point of much code in posts about Jekyll.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from . import leftovers, regions
from .liquid_filters import FILTERS, is_empty
from .liquid_filters import text as as_text

MAX_INCLUDE_DEPTH = 10
MAX_NESTING = 50
MAX_ITERATIONS = 10_000

_TOKEN = re.compile(r"\{%(?:(?!\{%).){0,4000}?%\}|\{\{(?:(?!\{\{|\{%).){0,4000}?\}\}", re.DOTALL)
_END_RAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_TAG_NAME = re.compile(r"(#|[A-Za-z_][\w-]*)\s*(.*)\Z", re.DOTALL)
_LEX = re.compile(
    r"""\s*(?:
      (?P<string>"[^"]*"|'[^']*')
    | (?P<range>\(\s*(?P<low>[^()]+?)\s*\.\.\s*(?P<high>[^()]+?)\s*\))
    | (?P<number>-?\d+(?:\.\d+)?)(?![\w.])
    | (?P<comparison>==|!=|<>|<=|>=|<|>)
    | (?P<punct>[|:,])
    | (?P<word>(?:[A-Za-z_][\w-]*\??|\[(?:"[^"]*"|'[^']*')\])(?:\.[\w-]+\??|\[(?:"[^"]*"|'[^']*'|[^\[\]]*)\])*)
    | (?P<other>\S)
    )""",
    re.VERBOSE,
)
_SEGMENT = re.compile(r"""\.?([\w-]+\??)|\[("[^"]*"|'[^']*'|[^\[\]]*)\]""")
_INCLUDE = re.compile(r"\s*(\{\{.*?\}\}\S*|\S+)(.*)\Z", re.DOTALL)
_PARAM = re.compile(r"""([\w-]+)\s*=\s*(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([\w.\-\[\]"']+))""")
_INCLUDE_NAME = re.compile(r"[\w./\-()+~#@]+")
_LANGUAGE = re.compile(r"[\w.+#-]+")
_LIST_LEAD = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+")
_QUOTE_LEAD = re.compile(r"[ \t]*(?:>[ \t]?)+")
_BACKTICK_RUN = re.compile(r"`+")
_STRAY = re.compile(r"\{%|\{\{|%\}")
_OUTPUT_IN_MARKUP = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)

BLOCKS = {"if", "unless", "case", "for", "capture", "tablerow"}
BRANCHES = {"if": {"elsif", "else"}, "unless": {"elsif", "else"}, "case": {"when", "else"}, "for": {"else"}}
# What Jekyll works out for a site or page rather than reads from its files:
# missing from the variables means the old site had a value we do not.
SITE_COMPUTED = {
    "posts", "pages", "categories", "tags", "data", "time", "static_files", "collections",
    "documents", "html_pages", "html_files", "related_posts",
}  # fmt: skip
PAGE_COMPUTED = {"content", "excerpt", "next", "previous", "id", "collection", "output"}

OK, MISSING, UNKNOWN = "ok", "missing", "unknown"


@dataclass(frozen=True)
class LiquidContext:
    """What a post's Liquid can see: ``variables`` holds ``site`` (from
    ``_config.yml``) and ``page`` (the front matter with ``url`` and ``date``);
    the callables find an include, or a post's or file's new address, and
    return None when there is none."""

    variables: dict
    read_include: Callable[[str], str | None]
    post_url: Callable[[str], str | None]
    link: Callable[[str], str | None]
    read_include_relative: Callable[[str], str | None] | None = None


@dataclass
class Converted:
    text: str
    unknown_tags: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Token:
    kind: str  # text, verbatim (raw content), output or tag
    source: str
    start: int = 0
    name: str = ""
    markup: str = ""
    trim_left: bool = False
    trim_right: bool = False
    code: bool = False
    end: int = 0  # where a text token ends in the source (its text may lose blanks to trimming)


@dataclass
class _Bad:
    token: _Token
    reason: str


@dataclass
class _Block:
    opening: _Token
    branches: list = field(default_factory=list)  # [(token, nodes)], the first token is the opening
    closing: _Token | None = None


@dataclass
class _Highlight:
    opening: _Token
    nodes: list
    closing: _Token


@dataclass
class _Value:
    value: object = None
    state: str = OK
    loud: bool = False  # missing from site or page: worth a line in the report


class _Unknown:
    """A value the old site had and the import does not (``assign x = site.posts``)."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def _short(source: str, limit: int = 60) -> str:
    flat = re.sub(r"\s+", " ", source).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _tokenize(source: str, protected) -> list[_Token]:
    tokens = []
    position = 0
    while match := _TOKEN.search(source, position):
        if match.start() > position:
            tokens.append(_Token("text", source[position : match.start()], position, end=match.start()))
        token = _token(match.group(), match.start())
        token.code = regions.inside(protected, match.start())
        position = match.end()
        if token.kind == "tag" and token.name == "raw" and not token.markup:
            end = _END_RAW.search(source, match.end())
            if end:
                token = _Token(
                    "verbatim",
                    source[match.end() : end.start()],
                    match.end(),
                    trim_left=token.trim_left,
                    trim_right=end.group().endswith("-%}"),
                    code=token.code,
                )
                position = end.end()
        tokens.append(token)
    if position < len(source):
        tokens.append(_Token("text", source[position:], position, end=len(source)))
    for index, token in enumerate(tokens):
        if token.kind == "text" or token.code:
            continue
        if token.trim_left and index and tokens[index - 1].kind == "text":
            tokens[index - 1].source = tokens[index - 1].source.rstrip()
        if token.trim_right and index + 1 < len(tokens) and tokens[index + 1].kind == "text":
            tokens[index + 1].source = tokens[index + 1].source.lstrip()
    return tokens


def _token(source: str, start: int) -> _Token:
    inner = source[2:-2]
    trim_left = inner.startswith("-")
    trim_right = inner.endswith("-") and len(inner) > trim_left
    body = inner[int(trim_left) : len(inner) - int(trim_right)].strip()
    if source.startswith("{{"):
        return _Token("output", source, start, markup=body, trim_left=trim_left, trim_right=trim_right)
    match = _TAG_NAME.match(body)
    name, markup = (match.group(1), match.group(2).strip()) if match else ("", body)
    return _Token("tag", source, start, name, markup, trim_left, trim_right)


def _is_tag(token, *names) -> bool:
    return token.kind == "tag" and not token.code and token.name in names


def _parse(tokens: list[_Token]) -> list:
    """The tokens as a tree of blocks; anything unpaired becomes a ``_Bad`` leaf."""
    root: list = []
    stack: list[tuple[_Block, list]] = []
    current = root
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.kind != "tag" or token.code:
            current.append(token)
        elif token.name == "raw":
            current.append(_Bad(token, "対応する {% endraw %} がありません"))
        elif token.name in ("endraw", "endcomment", "endhighlight"):
            current.append(_Bad(token, "対応する開始タグがありません"))
        elif token.name == "comment":
            depth, end = 1, index
            while end < len(tokens) and depth:
                depth += _is_tag(tokens[end], "comment") - _is_tag(tokens[end], "endcomment")
                end += 1
            if depth:
                current.append(_Bad(token, "対応する {% endcomment %} がありません"))
            else:
                index = end
        elif token.name == "highlight":
            end = next((i for i in range(index, len(tokens)) if _is_tag(tokens[i], "endhighlight")), None)
            if end is None:
                current.append(_Bad(token, "対応する {% endhighlight %} がありません"))
                continue
            inner = tokens[index:end]
            for each in inner:
                each.code = True
            current.append(_Highlight(token, inner, tokens[end]))
            index = end + 1
        elif token.name in BLOCKS:
            if len(stack) >= MAX_NESTING:
                current.append(_Bad(token, "入れ子が深すぎます"))
                continue
            block = _Block(token, [(token, [])])
            current.append(block)
            stack.append((block, current))
            current = block.branches[-1][1]
        elif token.name in ("elsif", "else", "when"):
            if stack and token.name in BRANCHES.get(stack[-1][0].opening.name, ()):
                stack[-1][0].branches.append((token, []))
                current = stack[-1][0].branches[-1][1]
            else:
                current.append(_Bad(token, "対応する開始タグがありません"))
        elif token.name.startswith("end") and token.name[3:] in BLOCKS:
            opened = [block.opening.name for block, _ in stack]
            if token.name[3:] not in opened:
                current.append(_Bad(token, "対応する開始タグがありません"))
                continue
            while True:
                block, parent = stack.pop()
                if block.opening.name == token.name[3:]:
                    block.closing = token
                    current = parent
                    break
                _flatten(block, parent)
                current = parent
            # The block sits last in its parent, so later text goes after it.
        else:
            current.append(token)
    while stack:
        block, parent = stack.pop()
        _flatten(block, parent)
    return root


def _flatten(block: _Block, parent: list) -> None:
    """An unclosed block: its tags become leftovers, its contents stay in place."""
    if parent and parent[-1] is block:
        parent.pop()
    parent.append(_Bad(block.opening, f"対応する {{% end{block.opening.name} %}} がありません"))
    for number, (token, nodes) in enumerate(block.branches):
        if number:
            parent.append(_Bad(token, "対応する開始タグがありません"))
        parent.extend(nodes)


class _Renderer:
    def __init__(self, context: LiquidContext, *, parent: "_Renderer | None" = None, scope=None, depth=0):
        self.context = context
        self.depth = depth
        if parent is None:
            self.scopes: list[dict] = [dict(context.variables)]
            self.problems: list[str] = []
            self.unknown: list[str] = []
            self.code_leftovers: list[str] = []
            self.counters: dict = {}
            self.iterations = [0]
            self.marked = [False]
        else:
            self.scopes = [*parent.scopes, scope or {}]
            self.problems = parent.problems
            self.unknown = parent.unknown
            self.code_leftovers = parent.code_leftovers
            self.counters = parent.counters
            self.iterations = parent.iterations
            self.marked = parent.marked
        self.out: list[str] = []
        self.newline_due = False
        self.loops = 0

    # Output

    def emit(self, piece: str) -> None:
        if not piece:
            return
        if self.newline_due:
            self.newline_due = False
            if not piece.startswith("\n"):
                piece = "\n" + piece.lstrip(" \t")
        self.out.append(piece)

    def line_so_far(self) -> str:
        collected = []
        for piece in reversed(self.out):
            if "\n" in piece:
                collected.append(piece.rsplit("\n", 1)[1])
                break
            collected.append(piece)
        return "".join(reversed(collected))

    def problem(self, sentence: str) -> None:
        if sentence not in self.problems:
            self.problems.append(sentence)

    def keep_out(self, token: _Token, reason: str | None, *, unknown: bool = False) -> None:
        self.marked[0] = True
        self.emit(leftovers.marker(leftovers.UNCONVERTED_LIQUID, token.source))
        name = token.name
        if name.startswith("end") and name[3:] in self.unknown:
            name = name[3:]
        if unknown and name and name not in self.unknown:
            self.unknown.append(name)
        if reason:
            self.problem(
                f"「{_short(token.source)}」は変換できないため、読者には見せずに残しました（{reason}）。"
            )

    def rendered(self, nodes: list) -> str:
        saved, saved_due = self.out, self.newline_due
        self.out, self.newline_due = [], False
        try:
            self.render(nodes)
            return "".join(self.out)
        finally:
            self.out, self.newline_due = saved, saved_due

    # Values

    def lookup(self, word: str) -> _Value:
        segments = []
        for match in _SEGMENT.finditer(word):
            if match.group(1) is not None:
                segments.append(match.group(1))
                continue
            inner = match.group(2).strip()
            if inner[:1] in "\"'":
                segments.append(inner[1:-1])
            elif re.fullmatch(r"-?\d+", inner):
                segments.append(int(inner))
            else:
                key = self.lookup(inner)
                if key.state != OK:
                    return _Value(None, key.state if key.state == UNKNOWN else MISSING, key.loud)
                segments.append(key.value if isinstance(key.value, int) else as_text(key.value))
        if not segments:
            return _Value(None, UNKNOWN)
        root = segments[0]
        for scope in reversed(self.scopes):
            if root in scope:
                value = scope[root]
                break
        else:
            return _Value(None, MISSING) if root == "include" else _Value(None, UNKNOWN)
        loud = root in ("site", "page")
        for position, segment in enumerate(segments[1:]):
            if isinstance(value, _Unknown):
                return _Value(None, UNKNOWN)
            if isinstance(value, Mapping) and segment in value:
                value = value[segment]
            elif segment == "size" and isinstance(value, str | list | tuple | Mapping):
                value = len(value)
            elif segment in ("first", "last") and isinstance(value, list | tuple):
                value = (value[0] if segment == "first" else value[-1]) if value else None
            elif (
                isinstance(value, list | tuple)
                and re.fullmatch(r"-?\d+", str(segment))
                and -len(value) <= int(segment) < len(value)
            ):
                value = value[int(segment)]
            elif position == 0 and segment in {"site": SITE_COMPUTED, "page": PAGE_COMPUTED}.get(root, ()):
                return _Value(None, UNKNOWN)
            else:
                return _Value(None, MISSING, loud)
        if isinstance(value, _Unknown):
            return _Value(None, UNKNOWN)
        return _Value(value)

    def operand(self, kind: str, raw: str, match) -> _Value:
        if kind == "string":
            return _Value(raw[1:-1])
        if kind == "number":
            return _Value(float(raw) if "." in raw else int(raw))
        if kind == "range":
            low, high = self.expression(match.group("low")), self.expression(match.group("high"))
            if UNKNOWN in (low.state, high.state):
                return _Value(None, UNKNOWN)
            try:
                first, last = int(as_text(low.value) or 0), int(as_text(high.value) or 0)
            except ValueError:
                return _Value(None, UNKNOWN)
            if last - first > MAX_ITERATIONS:
                return _Value(None, UNKNOWN)
            return _Value(list(range(first, last + 1)))
        if kind == "word":
            special = {"true": True, "false": False, "nil": None, "null": None}
            if raw in special:
                return _Value(special[raw])
            if raw in ("empty", "blank"):
                return _Value(raw)
            return self.lookup(raw)
        return _Value(None, UNKNOWN)

    def expression(self, markup: str) -> _Value:
        """A value with its filters: ``page.date | date: "%Y"``."""
        lexed = [(match.lastgroup, match.group(match.lastgroup), match) for match in _LEX.finditer(markup)]
        lexed = [item for item in lexed if item[0] not in ("low", "high")]
        groups: list[list] = [[]]
        for item in lexed:
            if item[0] == "punct" and item[1] == "|":
                groups.append([])
            else:
                groups[-1].append(item)
        head = [item for item in groups[0] if item[0] is not None]
        if len(head) != 1:
            return _Value(None, UNKNOWN)
        result = self.operand(*head[0])
        for chain in groups[1:]:
            if result.state == UNKNOWN:
                return result
            result = self.filtered(result, chain)
        return result

    def filtered(self, result: _Value, chain: list) -> _Value:
        if not chain or chain[0][0] != "word":
            return _Value(None, UNKNOWN)
        name = chain[0][1]
        arguments, rest = [], chain[1:]
        if rest and rest[0][1] == ":":
            rest = rest[1:]
            while rest:
                if len(rest) >= 2 and rest[1][1] == ":" and rest[0][0] == "word":
                    rest = rest[3:]  # a named argument (allow_false: true): not used here
                else:
                    argument = self.operand(*rest[0])
                    if argument.state == UNKNOWN:
                        return argument
                    arguments.append(argument.value)
                    rest = rest[1:]
                if rest and rest[0][1] == ",":
                    rest = rest[1:]
        function = FILTERS.get(name)
        if function is None:
            self.problem(f"フィルター「{name}」には対応していないため、値をそのまま使いました。")
            return result
        site = self.scopes[0].get("site")
        try:
            value = function(site if isinstance(site, Mapping) else {}, result.value, *arguments)
        except (TypeError, ValueError, ArithmeticError, LookupError, OverflowError):
            self.problem(
                f"フィルター「{name}」を値「{_short(as_text(result.value), 30)}」に使えなかったため、値をそのまま使いました。"
            )
            return result
        if name == "default" and not is_empty(value):
            return _Value(value)
        return _Value(value, result.state, result.loud)

    def condition(self, markup: str) -> _Value:
        """An ``if`` condition, read right to left as Liquid does."""
        parts: list[list] = [[]]
        joins = []
        for match in _LEX.finditer(markup):
            kind, raw = match.lastgroup, match.group(match.lastgroup)
            if kind == "word" and raw in ("and", "or"):
                joins.append(raw)
                parts.append([])
            else:
                parts[-1].append((kind, raw, match))
        values = [self.comparison(part) for part in parts]
        if any(value.state == UNKNOWN for value in values):
            return _Value(None, UNKNOWN)
        result = _truthy(values[-1].value)
        for join, value in zip(reversed(joins), reversed(values[:-1]), strict=True):
            result = (_truthy(value.value) and result) if join == "and" else (_truthy(value.value) or result)
        return _Value(result)

    def comparison(self, part: list) -> _Value:
        if len(part) == 1:
            return self.operand(*part[0])
        if len(part) != 3:
            return _Value(None, UNKNOWN)
        operator = part[1][1]
        if part[1][0] != "comparison" and operator != "contains":
            return _Value(None, UNKNOWN)
        left, right = self.operand(*part[0]), self.operand(*part[2])
        if UNKNOWN in (left.state, right.state):
            return _Value(None, UNKNOWN)
        return _Value(_compare(left.value, operator, right.value))

    def substituted(self, markup: str) -> str | None:
        """``{{ … }}`` inside a tag's argument replaced, or None if one is not known."""
        failed = False

        def one(match):
            nonlocal failed
            value = self.expression(match.group(1).strip("-"))
            failed = failed or value.state != OK
            return as_text(value.value)

        result = _OUTPUT_IN_MARKUP.sub(one, markup)
        return None if failed else result

    # Rendering

    def render(self, nodes: list) -> None:
        for index, node in enumerate(nodes):
            following = nodes[index + 1] if index + 1 < len(nodes) else None
            if isinstance(node, _Token):
                self.render_token(node, following)
            elif isinstance(node, _Bad):
                self.keep_out(node.token, node.reason)
            elif isinstance(node, _Highlight):
                self.highlight(node)
            else:
                self.block(node)

    def render_token(self, token: _Token, following) -> None:
        if token.kind in ("text", "verbatim"):
            self.emit(token.source)
        elif token.code:
            self.render_code(token)
        elif token.kind == "output":
            self.output(token)
        else:
            self.tag(token, following)

    def render_code(self, token: _Token) -> None:
        if token.kind == "output":
            value = self.expression(token.markup)
            if value.state == OK:
                self.emit(as_text(value.value))
                return
        self.code_leftovers.append(token.source)
        self.emit(token.source)

    def output(self, token: _Token) -> None:
        value = self.expression(token.markup)
        if value.state == UNKNOWN:
            self.keep_out(token, "値が分からない変数です")
            return
        if value.state == MISSING and value.loud:
            self.problem(f"「{_short(token.source)}」は値がないため、空にしました。")
        self.emit(as_text(value.value))

    def tag(self, token: _Token, following) -> None:
        name = token.name
        if name == "#":
            return
        if name == "assign":
            self.assign(token)
        elif name in ("increment", "decrement"):
            key = token.markup.strip()
            current = self.counters.get(key, 0)
            if name == "increment":
                self.emit(str(current))
                self.counters[key] = current + 1
            else:
                self.counters[key] = current - 1
                self.emit(str(current - 1))
        elif name == "echo":
            self.output(token)
        elif name in ("post_url", "link"):
            argument = self.substituted(token.markup)
            finder = self.context.post_url if name == "post_url" else self.context.link
            url = finder(argument.strip()) if argument else None
            if url is None:
                self.keep_out(token, "リンク先の記事やファイルが取り込み先で見つかりません")
            else:
                self.emit(url)
        elif name in ("include", "include_relative"):
            self.include(token, following)
        elif name in ("break", "continue") and self.loops:
            raise _Break if name == "break" else _Continue
        else:
            self.keep_out(token, "取り込みでは対応していないタグです", unknown=True)

    def assign(self, token: _Token) -> None:
        match = re.fullmatch(r"([\w-]+)\s*=\s*(.+)", token.markup, re.DOTALL)
        if not match:
            self.keep_out(token, "assign の書き方が読めません")
            return
        value = self.expression(match.group(2))
        self.scopes[0][match.group(1)] = _Unknown() if value.state == UNKNOWN else value.value

    def include(self, token: _Token, following) -> None:
        relative = token.name == "include_relative"
        reader = self.context.read_include_relative if relative else self.context.read_include
        if reader is None:
            self.keep_out(token, "include_relative の読み込み先がありません")
            return
        if self.depth >= MAX_INCLUDE_DEPTH:
            self.keep_out(token, "インクルードの入れ子が深すぎます")
            return
        match = _INCLUDE.match(token.markup)
        name = self.substituted(match.group(1)) if match else None
        if not name or not _INCLUDE_NAME.fullmatch(name) or name.startswith("/") or ".." in name.split("/"):
            self.keep_out(token, "インクルードするファイル名が読めません")
            return
        parameters = {}
        rest = match.group(2)
        if _PARAM.sub("", rest).strip():
            self.keep_out(token, "インクルードの引数が読めません")
            return
        for key, double, single, variable in _PARAM.findall(rest):
            if variable:
                value = self.expression(variable)
                parameters[key] = _Unknown() if value.state == UNKNOWN else value.value
            else:
                quoted = (double or single).replace('\\"', '"').replace("\\'", "'")
                parameters[key] = self.substituted(quoted) if "{{" in quoted else quoted
                if parameters[key] is None:
                    parameters[key] = _Unknown()
        source = reader(name)
        if source is None:
            where = "投稿と同じフォルダー" if relative else "_includes/"
            self.keep_out(token, f"{where}に「{name}」がありません")
            return
        inner = _Renderer(self.context, parent=self, scope={"include": parameters}, depth=self.depth + 1)
        rendered = inner.render_document(source)
        if isinstance(following, _Token) and following.kind == "text":
            first_line = following.source.split("\n", 1)[0]
            if first_line.strip():
                rendered = rendered.rstrip("\n")
        self.emit(rendered)

    def render_document(self, source: str) -> str:
        protected = regions.protected(source, comments=True, math=True)
        tokens = _tokenize(source, protected)
        for token in tokens:
            if token.kind != "text":
                continue
            for stray in _STRAY.finditer(source, token.start, token.end):
                if regions.inside(protected, stray.start()):
                    continue
                if stray.group() == "%}":
                    self.problem("対応する「{%」のない「%}」があります。")
                else:
                    self.problem(
                        f"閉じていない「{stray.group()}」があります:「{_short(source[stray.start() :], 30)}」"
                    )
        self.render(_parse(tokens))
        return "".join(self.out)

    def highlight(self, node: _Highlight) -> None:
        language = node.opening.markup.split()[0].lower() if node.opening.markup.split() else ""
        if not _LANGUAGE.fullmatch(language or "x"):
            language = ""
        body = self.rendered(node.nodes)
        first, newline, rest = body.partition("\n")
        if newline and not first.strip():
            body = rest
        lead = self.line_so_far()
        quoted = bool(_QUOTE_LEAD.fullmatch(lead))
        lines = body.split("\n")
        while lines and not lines[-1].strip(" \t>" if quoted else " \t"):
            lines.pop()
        while lines and not lines[0].strip(" \t>" if quoted else " \t"):
            lines.pop(0)
        width = len(lead.expandtabs(4))
        closing_lead = lead
        if quoted:
            lines = [line if line.lstrip().startswith(">") else lead + line for line in lines]
        elif lead.strip() and not _LIST_LEAD.fullmatch(lead):
            self.emit("\n")
            closing_lead, width = "", 0
        else:
            closing_lead = lead if not lead.strip() else " " * width
            indents = [
                len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip()) for line in lines if line.strip()
            ]
            shift = width - min(indents, default=width)
            if shift > 0:
                lines = [" " * shift + line if line.strip() else line for line in lines]
        longest = max((len(run) for run in _BACKTICK_RUN.findall("\n".join(lines))), default=0)
        fence = "`" * max(3, longest + 1)
        self.emit(f"{fence}{language}\n")
        for line in lines:
            self.emit(f"{line}\n")
        self.emit(f"{closing_lead}{fence}")
        self.newline_due = True

    def block(self, node: _Block) -> None:
        name = node.opening.name
        if name == "capture":
            variable = node.opening.markup.strip().strip("'\"")
            self.scopes[0][variable] = self.rendered(node.branches[0][1])
            return
        if name in ("if", "unless"):
            for token, nodes in node.branches:
                if token.name == "else":
                    self.render(nodes)
                    return
                value = self.condition(token.markup)
                if value.state == UNKNOWN:
                    break
                chosen = value.value if token.name != "unless" else not value.value
                if chosen:
                    self.render(nodes)
                    return
            else:
                return
        elif name == "case":
            if self.case(node):
                return
        elif name == "for" and self.loop(node):
            return
        self.unevaluated(node)

    def case(self, node: _Block) -> bool:
        subject = self.expression(node.opening.markup)
        if subject.state == UNKNOWN:
            return False
        for token, nodes in node.branches[1:]:
            if token.name == "else":
                self.render(nodes)
                return True
            options = [
                (match.lastgroup, match.group(match.lastgroup), match)
                for match in _LEX.finditer(token.markup)
                if match.group(match.lastgroup) not in (",", "or")
            ]
            values = [self.operand(*option) for option in options]
            if any(value.state == UNKNOWN for value in values):
                return False
            if any(_compare(subject.value, "==", value.value) for value in values):
                self.render(nodes)
                return True
        return True

    def loop(self, node: _Block) -> bool:
        match = re.fullmatch(r"([\w-]+)\s+in\s+(\(.*?\)|\S+)(.*)", node.opening.markup, re.DOTALL)
        if not match:
            return False
        collection = self.expression(match.group(2))
        if collection.state == UNKNOWN:
            return False
        items = collection.value
        if isinstance(items, Mapping):
            items = [[key, value] for key, value in items.items()]
        elif isinstance(items, str):
            items = [items] if items else []
        elif not isinstance(items, list | tuple):
            items = [] if items is None else [items]
        options = match.group(3)
        for option in ("offset", "limit"):
            found = re.search(rf"{option}\s*:\s*(\S+)", options)
            if found:
                amount = self.expression(found.group(1))
                if amount.state == UNKNOWN or not isinstance(amount.value, int):
                    return False
                items = items[amount.value :] if option == "offset" else items[: amount.value]
        if re.search(r"\breversed\b", options):
            items = list(reversed(items))
        if not items:
            if len(node.branches) > 1:
                self.render(node.branches[1][1])
            return True
        self.iterations[0] += len(items)
        if self.iterations[0] > MAX_ITERATIONS:
            return False
        self.scopes.append({})
        self.loops += 1
        try:
            for position, item in enumerate(items):
                self.scopes[-1] = {
                    match.group(1): item,
                    "forloop": {
                        "index": position + 1,
                        "index0": position,
                        "rindex": len(items) - position,
                        "rindex0": len(items) - position - 1,
                        "first": position == 0,
                        "last": position == len(items) - 1,
                        "length": len(items),
                    },
                }
                try:
                    self.render(node.branches[0][1])
                except _Continue:
                    continue
                except _Break:
                    break
        finally:
            self.scopes.pop()
            self.loops -= 1
        return True

    def unevaluated(self, node: _Block) -> None:
        reason = "条件や繰り返しの値が分からないため、中身はすべて残しました"
        for number, (token, nodes) in enumerate(node.branches):
            self.keep_out(token, None if number else reason)
            self.render(nodes)
        if node.closing:
            self.keep_out(node.closing, None)


def _truthy(value) -> bool:
    return value is not None and value is not False


def _compare(left, operator: str, right) -> bool:
    if operator in ("==", "!=", "<>"):
        return _equal(left, right) == (operator == "==")
    if operator == "contains":
        if isinstance(left, str):
            return as_text(right) in left
        if isinstance(left, list | tuple | Mapping):
            return right in left
        return False
    numbers = (int, float)
    comparable = (
        isinstance(left, numbers)
        and isinstance(right, numbers)
        and not isinstance(left, bool)
        and not isinstance(right, bool)
    ) or (isinstance(left, str) and isinstance(right, str))
    if not comparable:
        return False
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[operator]


def _equal(left, right) -> bool:
    for special, other in ((left, right), (right, left)):
        if special == "empty" and other != "empty":
            return isinstance(other, str | list | tuple | Mapping) and not other
        if special == "blank" and other != "blank":
            return is_empty(other) or (isinstance(other, str) and not other.strip())
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return left == right


def convert(text: str, context: LiquidContext) -> Converted:
    """Render the Liquid in a post body as Jekyll would, into plain Markdown.

    Never raises on broken Liquid: what cannot be read stays as written (and
    is listed in ``problems``), what cannot be converted is replaced by a
    marker comment the reader does not see, and its tag name is listed in
    ``unknown_tags``. A page with ``render_with_liquid: false`` is returned
    as it is, as Jekyll leaves it.
    """
    page = context.variables.get("page")
    if isinstance(page, Mapping) and as_text(page.get("render_with_liquid", True)).lower() == "false":
        return Converted(text)
    if "{%" not in text and "{{" not in text:
        return Converted(text)
    renderer = _Renderer(context)
    try:
        result = renderer.render_document(text)
    except RecursionError:
        return Converted(text, [], ["Liquid の入れ子が深すぎるため、変換せずに残しました。"])
    if renderer.code_leftovers:
        renderer.problem(
            f"コード内の Liquid {len(renderer.code_leftovers)} 箇所（「{_short(renderer.code_leftovers[0], 40)}」など）は"
            "値が分からないため、書かれたとおりに残しました。"
        )
    if renderer.marked[0]:
        result = leftovers.tidy(result)
    return Converted(result, renderer.unknown, renderer.problems)
