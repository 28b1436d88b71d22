"""Plain-text measures of an article: reading time and slugs.

Reading time follows the rendered text, not the Markdown source, so link
targets, image addresses and markup do not count as reading.
"""

import html
import math
import re
import unicodedata

from django.utils.text import slugify

JAPANESE_CHARS_PER_MINUTE = 500
LATIN_WORDS_PER_MINUTE = 200

# Kana, kanji (with extensions and compatibility ideographs), the iteration
# and prolonged-sound marks, and the CJK punctuation a Japanese reader reads
# through (、。「」…). Full-width Latin letters are folded to ASCII by NFKC
# first, so ＡＩ counts as a word, not as two characters.
_JAPANESE_CHAR = re.compile(
    "[\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uff61-\uff9f\U00020000-\U0002fa1f]"
)
_LATIN_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:['’.\-][0-9A-Za-z\u00c0-\u024f]+)*")


# The sanitiser's output (articles.markdown, through nh3) escapes "<" and ">"
# in text and in attribute values alike, so there a tag is "<" up to the next
# ">". A regular expression reads that in C; Django's strip_tags runs Python's
# HTMLParser, which was half of Article.save() for a long body
# (docs/benchmarks.md, "Markdown at the body limit").
_TAG = re.compile(r"<[^>]*>")


def plain_text_from_html(rendered_html: str) -> str:
    """The text of ``rendered_html``, which must be the renderer's sanitised output."""
    return html.unescape(_TAG.sub("", rendered_html))


# What a reader does not read as the article's text: the "#" after each heading,
# the footnote numbers in the text and the "↩" back to them (articles.markdown).
_NOT_READ = re.compile(
    r'<a class="headerlink"[^>]*>[^<]*</a>|<sup id="fnref[^"]*"><a [^>]*>[^<]*</a></sup>|&nbsp;<a href="#fnref[^>]*>↩</a>'
)
# Tags that end a block or a cell: their text is not run into the next one ("企業" and "売上"
# in two cells, a heading and its first paragraph).
_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|dt|dd|td|th|tr|div|pre|blockquote|table|ul|ol|dl|hr|br)\b[^>]*>")
_BLANKS = re.compile(r"\s+")


def reader_text(rendered_html: str) -> str:
    """The text of ``rendered_html`` (the renderer's sanitised output) as a reader reads it, in
    its own case and width: no markup, no heading or footnote links, blanks squeezed to one space."""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", _NOT_READ.sub("", rendered_html)))
    return _BLANKS.sub(" ", html.unescape(text)).strip()


def latin_word_count(text: str) -> int:
    """The Latin-script words of ``text`` (plain text); ＡＩ (full width) is one."""
    return len(_LATIN_WORD.findall(unicodedata.normalize("NFKC", text)))


def reading_time_minutes(text: str) -> int:
    """Minutes to read ``text`` (plain text): Japanese at 500 characters and
    Latin-script words at 200 words a minute, rounded up, at least one."""
    japanese_chars = len(_JAPANESE_CHAR.findall(unicodedata.normalize("NFKC", text)))
    minutes = japanese_chars / JAPANESE_CHARS_PER_MINUTE + latin_word_count(text) / LATIN_WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))


def slug_candidate(title: str, *, max_length: int) -> str:
    """A URL slug for ``title`` that keeps Japanese characters.

    Japanese titles stay readable in the address bar (browsers show the
    decoded form); characters that cannot appear in a slug are dropped, and a
    title with nothing left falls back to ``article``.
    """
    slug = slugify(unicodedata.normalize("NFKC", title), allow_unicode=True)
    slug = slug[:max_length].strip("-_")
    return slug or "article"


def unique_slug(title: str, *, taken, max_length: int) -> str:
    """The first of ``slug``, ``slug-2``, ``slug-3`` … for which ``taken`` is false."""
    base = slug_candidate(title, max_length=max_length)
    candidate = base
    suffix = 2
    while taken(candidate):
        tail = f"-{suffix}"
        candidate = base[: max_length - len(tail)].rstrip("-_") + tail
        suffix += 1
    return candidate
