"""The one Markdown renderer: every body reaches a browser through here.

Python-Markdown passes raw HTML through untouched, so its output is never
trusted: nh3 keeps only the tags, attributes and URL schemes listed below.
The admin's live preview uses the same function (``MARKDOWNX_MARKDOWNIFY_FUNCTION``).
"""

import functools
import hashlib
import json
import re
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

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

MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "toc"]
MARKDOWN_EXTENSION_CONFIGS = {
    "toc": {"slugify": slugify_unicode, "permalink": "#", "permalink_title": "この見出しへのリンク"},
    "extra": {"tables": {"use_align_attribute": True}},
}
# Articles with at least this many section headings get a table of contents.
TOC_MIN_HEADINGS = 3


_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff]+")


# Bump when the rendering changes in a way the settings below do not show
# (a new post-processing step, say): stored renderings are then redone.
RENDERING_REVISION = 1


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
            MARKDOWN_EXTENSIONS,
            # Functions by name: their repr carries a per-process address.
            json.dumps(MARKDOWN_EXTENSION_CONFIGS, sort_keys=True, default=lambda value: value.__qualname__),
            TOC_MIN_HEADINGS,
            markdown.__version__,
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


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list  # [{"id", "name", "level", "children"}], from the body's h2/h3 headings


def render(text: str) -> Rendered:
    """Render an article body (Markdown) to sanitised HTML and its headings."""
    converter = markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_EXTENSION_CONFIGS, output_format="html"
    )
    html = sanitise_html(converter.convert(text or ""))
    sections = [token for token in converter.toc_tokens if token["level"] == 2]
    return Rendered(html=html, toc=sections if len(sections) >= TOC_MIN_HEADINGS else [])


def render_markdown(text: str) -> str:
    """Render an article body (Markdown) to sanitised HTML, safe to mark safe."""
    return render(text).html
