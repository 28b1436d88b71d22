"""Counts as Japanese writers count: 文字数, Latin words, and the reading time.

All three are taken from the text readers will see, the renderer's output with
the tags taken off, as the article's stored reading time is
(``Article.derived_from_content``): link targets, image addresses and Markdown
marks are not text. 文字数 leaves out whitespace, full-width spaces included,
as a manuscript count does; Latin words and minutes are the site's own measures
(``articles.text``).
"""

import re
from dataclasses import dataclass

from django.utils.html import format_html

from articles import markdown
from articles.text import latin_word_count, plain_text_from_html, reading_time_minutes

_WHITESPACE = re.compile(r"\s+")
# The "#" link the renderer adds to each heading is the site's furniture, not the writer's text.
_HEADING_LINK = re.compile(r'<a class="headerlink"[^>]*>[^<]*</a>')


@dataclass(frozen=True)
class Counts:
    characters: int
    latin_words: int
    reading_minutes: int

    def as_mark(self) -> str:
        """A hidden element the live preview carries for the editor's count line (writing/editor.js)."""
        return format_html(
            '<span hidden class="writing-counts-data" data-characters="{}" data-latin-words="{}"'
            ' data-reading-minutes="{}"></span>',
            self.characters,
            self.latin_words,
            self.reading_minutes,
        )


def counts_of_html(rendered_html: str) -> Counts:
    text = plain_text_from_html(_HEADING_LINK.sub("", rendered_html))
    return Counts(
        characters=len(_WHITESPACE.sub("", text)),
        latin_words=latin_word_count(text),
        reading_minutes=reading_time_minutes(text),
    )


def counts_of_markdown(source: str) -> Counts:
    return counts_of_html(markdown.render(source).html)
