"""Japanese full-text search that works on any PostgreSQL.

Japanese has no spaces, PostgreSQL's text search configurations do not
split it, and pg_trgm cannot use an index for one- or two-character terms.
So each article keeps its NFKC-normalised, lower-cased plain text and, as a
``tsvector``, the set of its character bigrams and single characters (GIN
indexed). A query matches its own bigrams with ``@@`` (the index narrows the
candidates) and is then re-checked as an exact substring of the text:
"投資" and "推論" (two characters), "AI チップ" (two terms), ＡＩ for AI and ｽﾏﾎ
for スマホ all find what a reader expects. On SQLite the substring check alone
is used.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, IntegerField, Value, When
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 100
MAX_TERMS = 5
SNIPPET_CONTEXT = 60


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalise(text: str) -> str:
    # Control characters (NUL above all: PostgreSQL refuses it in text) become spaces.
    text = _CONTROL.sub(" ", unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"\s+", " ", text).strip().lower()


def grams(text: str) -> set[str]:
    """Single characters and character bigrams of each space-separated run."""
    found = set()
    for run in text.split():
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def _lexeme(gram: str) -> str:
    return "'" + gram.replace("\\", "\\\\").replace("'", "''") + "'"


def index_value(text: str):
    """What to store in ``Article.search_vector`` for normalised ``text`` (nothing on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    return Cast(Value(" ".join(sorted(_lexeme(gram) for gram in grams(text)))), SearchVectorField())


class _Matches(Func):
    """``vector @@ query``. The query is cast, not parsed by to_tsquery(): the
    parser drops emoji and punctuation, which the stored vector keeps verbatim,
    so "🚀" or "!" would otherwise match nothing."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def terms_of(query: str) -> list[str]:
    return [term for term in normalise(query)[:MAX_QUERY_LENGTH].split(" ") if term][:MAX_TERMS]


def query_notes(query: str) -> list[str]:
    """What of ``query`` was left out of the search, said to the reader."""
    notes = []
    normalised = normalise(query)
    if len(normalised) > MAX_QUERY_LENGTH:
        notes.append(f"検索語が長すぎるため、先頭の {MAX_QUERY_LENGTH} 文字で検索しました。")
    if len([term for term in normalised[:MAX_QUERY_LENGTH].split(" ") if term]) > MAX_TERMS:
        notes.append(f"言葉が多すぎるため、最初の {MAX_TERMS} 語で検索しました。")
    return notes


def search(articles, query: str, *, common: bool = False):
    """``articles`` narrowed to those containing every term of ``query``, best first.

    Best is: a term in the title first, then newest; for a ``common`` query
    (one known to match more articles than one page can rank), newest first,
    to be read along the date index (see :func:`walk_the_date_index`).
    """
    terms = terms_of(query)
    if not terms:
        return articles.none()
    for term in terms:
        if connection.vendor == "postgresql":
            needed = {term} if len(term) == 1 else {term[i : i + 2] for i in range(len(term) - 1)}
            tsquery = " & ".join(_lexeme(gram) for gram in sorted(needed))
            articles = articles.filter(_Matches(F("search_vector"), Cast(Value(tsquery), SearchQueryField())))
            if len(term) <= 2:
                # The term is itself one of the indexed grams, so the index answer is already
                # exact; re-reading the text of every match would cost more than the search.
                continue
        articles = articles.filter(search_text__contains=term)
    if common:
        return articles.order_by("-published_at", "-id")
    in_title = Case(
        *[When(title__icontains=term, then=Value(1)) for term in terms],
        default=Value(0),
        output_field=IntegerField(),
    )
    return articles.annotate(in_title=in_title).order_by("-in_title", "-published_at", "-id")


def walk_the_date_index() -> None:
    """Until the transaction ends, read common queries newest first along the date index.

    A common query (tens of thousands of matches) is cheapest checked article
    by article from the newest, stopping after one page. PostgreSQL takes the
    bigrams of a term as independent, expects a handful of matches, and goes
    through the bigram index instead, re-checking every match: seconds, not
    milliseconds. Without bitmap scans (the only way GIN is read) or
    sequential scans, the date index is what remains.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)"
            )


def snippet(text: str, query: str) -> str:
    """A stretch of ``text`` around the first match, with every term marked."""
    terms = terms_of(query)
    plain = re.sub(r"\s+", " ", text or "")
    folded = unicodedata.normalize("NFKC", plain).lower()
    if len(folded) != len(plain):  # width folding changed lengths: mark in the folded text
        plain = unicodedata.normalize("NFKC", plain)
    first = min((folded.find(term) for term in terms if term in folded), default=0)
    start = max(0, first - SNIPPET_CONTEXT)
    window, folded_window = (
        plain[start : first + 2 * SNIPPET_CONTEXT],
        folded[start : first + 2 * SNIPPET_CONTEXT],
    )
    pattern = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    pieces, position = [], 0
    for match in re.finditer(pattern, folded_window) if pattern else []:
        pieces.append(escape(window[position : match.start()]))
        pieces.append(f"<mark>{escape(window[match.start() : match.end()])}</mark>")
        position = match.end()
    pieces.append(escape(window[position:]))
    return mark_safe(("…" if start else "") + "".join(pieces) + "…")
