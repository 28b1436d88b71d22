"""A strict reading of HTML as a browser would take it: what could run?

The rendered HTML is parsed with Python's ``html.parser`` (which decodes
character references in attribute values once, as a browser does); every
tag, attribute and URL is then judged against this module's own lists,
written independently of ``articles.markdown`` so that loosening the
renderer's allow-list trips the tests instead of moving them along.
"""

import json
import re
from html.parser import HTMLParser

# Every tag a rendered article body may contain.
READER_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
READER_ATTRIBUTES = {"href", "title", "id", "class", "rel", "src", "alt", "width", "height", "align"}
READER_CLASSES = {"headerlink"}

# Tags that run code, load documents, submit data, retarget links or restyle the page.
EXECUTABLE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
    "svg", "math", "form", "input", "button", "textarea", "select", "base", "meta",
    "link", "noscript", "template", "xmp", "plaintext", "noembed", "noframes",
    "portal", "animate", "set", "handler", "listener", "image", "video", "audio",
    "source", "track", "marquee", "isindex", "param",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "background", "poster",
    "data", "codebase", "cite", "longdesc", "lowsrc", "dynsrc", "srcset", "ping",
    "manifest", "icon", "profile", "usemap",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
_RAW_TAG_OPENER = re.compile(r"<\s*/?\s*(" + "|".join(sorted(EXECUTABLE_TAGS)) + r")\b", re.IGNORECASE)


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in an (already entity-decoded) URL, or
    None for a relative URL or fragment.

    Stricter than the URL standard on purpose: every whitespace, control and
    invisible character is removed, not only tabs, newlines and the ends, so
    ``java script:`` counts as ``javascript:``.
    """
    squeezed = "".join(
        char
        for char in value
        if not (char.isspace() or ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or char in _INVISIBLE)
    )
    match = _SCHEME.match(squeezed)
    return match.group(1).lower() if match else None


class _Inspector(HTMLParser):
    def __init__(self, *, strict_allowlist):
        super().__init__(convert_charrefs=True)
        self.strict = strict_allowlist
        self.problems = []

    def handle_starttag(self, tag, attrs):
        self._inspect(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._inspect(tag, attrs)

    def handle_comment(self, data):
        self.problems.append(f"comment <!--{data[:40]}-->")

    def handle_decl(self, decl):
        self.problems.append(f"declaration <!{decl[:40]}>")

    def unknown_decl(self, data):
        self.problems.append(f"CDATA or unknown declaration <![{data[:40]}")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction <?{data[:40]}")

    def _inspect(self, tag, attrs):
        if tag in EXECUTABLE_TAGS:
            self.problems.append(f"<{tag}> element")
        elif self.strict and tag not in READER_TAGS:
            self.problems.append(f"<{tag}> is not in the reader allow-list")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value[:40]!r} on <{tag}>")
            elif name == "style":
                self.problems.append(f"style={value[:40]!r} on <{tag}>")
            elif name in {"srcdoc", "formaction", "xmlns", "is", "http-equiv"}:
                self.problems.append(f"{name}= on <{tag}>")
            elif self.strict and name not in READER_ATTRIBUTES:
                self.problems.append(f"attribute {name} on <{tag}> is not in the reader allow-list")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value[:60]!r} on <{tag}> uses the scheme {scheme}:")
            if self.strict and name == "class" and set(value.split()) - READER_CLASSES:
                self.problems.append(f"class={value!r} on <{tag}>")


def executable_vectors(html: str, *, strict_allowlist=True) -> list[str]:
    """Every way ``html`` could run script, in words; an empty list means safe.

    ``strict_allowlist`` also reports tags and attributes outside what an
    article body may contain (for sanitiser output, not for whole pages).
    """
    inspector = _Inspector(strict_allowlist=strict_allowlist)
    inspector.feed(html)
    inspector.close()
    problems = inspector.problems
    # html.parser is lenient; a browser might still open a tag it read as text.
    problems += [f"raw tag opener {match.group(0)!r}" for match in _RAW_TAG_OPENER.finditer(html)]
    return problems


class _PageInspector(HTMLParser):
    """Looks at a whole page (which has its own scripts and forms) for ``marker``
    escaping its text: in a handler, a script, a style or a URL."""

    def __init__(self, marker):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.problems = []
        self.script_type = None
        self.script_text = []

    def handle_starttag(self, tag, attrs):
        self._attributes(tag, attrs)
        if tag == "script":
            self.script_type = dict(attrs).get("type") or "text/javascript"
            self.script_text = []
        # The admin draws its own icons with inline <svg>; a payload's svg is
        # caught by its handler above, so only tags no page of ours uses are banned.
        if tag in {"math", "iframe", "object", "embed", "base"}:
            self.problems.append(f"<{tag}> element on the page")

    def handle_startendtag(self, tag, attrs):
        self._attributes(tag, attrs)

    def handle_data(self, data):
        if self.script_type is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag):
        if tag != "script" or self.script_type is None:
            return
        text = "".join(self.script_text)
        if self.script_type == "application/ld+json":
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"JSON-LD is not valid JSON: {text[:80]!r}")
        elif self.marker in text:
            self.problems.append(f"script containing the payload: {text[:80]!r}")
        self.script_type = None

    def _attributes(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and self.marker in value:
                self.problems.append(f"payload in {name}= on <{tag}>")
            if name == "style" and self.marker in value:
                self.problems.append(f"payload in style= on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value[:60]!r} on <{tag}>")


def payload_escapes_page(html: str, marker: str) -> list[str]:
    """How a payload carrying ``marker`` became live markup on a whole page; empty if it did not."""
    inspector = _PageInspector(marker)
    inspector.feed(html)
    inspector.close()
    return inspector.problems
