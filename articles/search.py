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

import math
import re
import time
import unicodedata
from dataclasses import dataclass

import psycopg.errors
from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, IntegerField, Value, When
from django.db.models.functions import Cast

MAX_QUERY_LENGTH = 100
MAX_TERMS = 5
# How long a process trusts what it last read of PostgreSQL's gram statistics.
SHARES_TIMEOUT = 600
# A query whose grams the statistics put in at least this share of articles is read newest
# first along the date index (newest_matches) instead of through the bigram index ...
COMMON_SHARE = 0.4
# ... reading as many of the newest articles as should hold this many times the matches needed.
SCAN_MARGIN = 2


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


def index_text(text: str) -> str:
    """``Article.search_vector`` for normalised ``text`` as PostgreSQL writes a tsvector out:
    each lexeme quoted, in byte order (code point order is the same), so a stored vector
    read back compares equal to it exactly when it was made from ``text``."""
    return " ".join(_lexeme(gram) for gram in sorted(grams(text)))


def index_value(text: str):
    """What to store in ``Article.search_vector`` for normalised ``text`` (nothing on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    return Cast(Value(index_text(text)), SearchVectorField())


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


def needed_grams(term: str) -> set[str]:
    """The indexed grams every text containing ``term`` has."""
    return {term} if len(term) <= 2 else {term[i : i + 2] for i in range(len(term) - 1)}


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
            tsquery = " & ".join(_lexeme(gram) for gram in sorted(needed_grams(term)))
            articles = articles.filter(_Matches(F("search_vector"), Cast(Value(tsquery), SearchQueryField())))
            if len(term) <= 2:
                # The term is itself one of the indexed grams, so the index answer is already
                # exact; re-reading the text of every match would cost more than the search.
                continue
        articles = articles.filter(search_text__contains=term)
    if common:
        return articles.order_by("-published_at", "-id")
    return ranked(articles, query)


def ranked(articles, query: str):
    """``articles`` with those whose title contains a term of ``query`` first, then newest."""
    terms = terms_of(query)
    in_title = Case(
        *[When(title__icontains=term, then=Value(1)) for term in terms],
        default=Value(0),
        output_field=IntegerField(),
    )
    return articles.annotate(in_title=in_title).order_by("-in_title", "-published_at", "-id")


@dataclass
class Found:
    count: int  # up to the cap, or one more for "more than the cap"
    articles: object  # a QuerySet, in the order to show
    walk: bool  # to be read inside walk_the_date_index()


def find(articles, query: str, *, cap: int, page_end: int) -> Found:
    """What a results page shows of ``query`` among ``articles`` (ordered newest first), and
    how many there are, counted no further than ``cap + 1``.

    ``page_end`` is how many results the page needs from the first, one beyond it
    included. A query the gram statistics call common is looked for among the
    newest articles first; anything else, or a guess that found too few, goes
    through the bigram index, reading the ids of up to ``cap + 1`` matches:
    up to the cap they are all the matches, ranked without searching again;
    past it the page is newest first, from the probe if it holds the page,
    else along the date index.
    """
    wanted = cap + 1
    newest = []
    share = common_share(query)
    if share >= COMMON_SHARE and page_end <= wanted:
        # Counting a common query through the bigram index reads tens of thousands of
        # postings; the newest few hundred articles give the page and "more than the cap".
        newest = newest_matches(articles, query, scan=scan_for(share, wanted, SCAN_MARGIN), limit=wanted)
        if len(newest) == wanted:
            return Found(wanted, articles.filter(pk__in=newest), walk=False)
    # A common word matches most of the archive: counting, or ranking titles first,
    # past the cap would read tens of thousands of articles for one page of results.
    found = first_ids(search(articles, query), wanted)
    if len(found) <= cap:
        return Found(len(found), ranked(articles.filter(pk__in=found), query), walk=False)
    if len(newest) >= page_end:  # the guess was half right: the page is among the newest
        return Found(wanted, articles.filter(pk__in=newest), walk=False)
    return Found(wanted, search(articles, query, common=True), walk=True)


def limit_time(milliseconds: int) -> None:
    """Until the transaction ends, have PostgreSQL cancel any search statement running longer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds}ms"])


def ran_out_of_time(error) -> bool:
    """Whether ``error`` is PostgreSQL cancelling a statement at the limit of :func:`limit_time`."""
    return isinstance(error.__cause__, psycopg.errors.QueryCanceled)


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


# Per process: {gram: share of articles containing it} for the grams PostgreSQL's
# statistics track, and when it was read (None: never).
_shares = {"by_gram": {}, "read_at": None}


def _remember_shares(grams, shares) -> None:
    # most_common_elem_freqs ends with three more figures (least, most, nulls): zip drops them.
    _shares["by_gram"] = dict(zip(grams or [], shares or [], strict=False))
    _shares["read_at"] = time.monotonic()


def forget_shares() -> None:
    _shares.update(by_gram={}, read_at=None)


def shares_are_fresh() -> bool:
    read_at = _shares["read_at"]
    return read_at is not None and time.monotonic() - read_at < SHARES_TIMEOUT


def common_share(query: str) -> float:
    """The share of articles that PostgreSQL's statistics suggest match ``query``; 0 when unknown.

    Read from ``pg_stats.most_common_elems`` of the bigram column (ANALYZE keeps
    them, from a sample of rows), so it costs no query here. A term's share is
    at most that of its rarest gram; terms are taken as independent. A gram the
    statistics do not track is rarer than every gram they do, and makes the
    query count as rare. Only a guess for choosing how to read: it never
    decides what is found.
    """
    terms = terms_of(query)
    if not terms or not shares_are_fresh():
        return 0.0
    by_gram = _shares["by_gram"]
    share = 1.0
    for term in terms:
        share *= min(by_gram.get(gram, 0.0) for gram in needed_grams(term))
    return share


def first_ids(matches, cap: int) -> list[int]:
    """The ids of up to ``cap`` of ``matches``, in no order: when there are fewer,
    all of them, so the page need not run the search again to show them.

    When this process's gram statistics are missing or stale, the same round
    trip reads them again, so knowing them never adds a query to the page.
    """
    counted = matches.order_by().values_list("pk", flat=True)[:cap]
    if connection.vendor != "postgresql" or shares_are_fresh() or matches.query.is_empty():
        return list(counted)
    sql, params = counted.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ARRAY(SELECT * FROM ({sql}) AS counted), stats.grams, stats.shares"
            " FROM (SELECT 1) AS one LEFT JOIN ("
            "  SELECT most_common_elems::text::text[] AS grams, most_common_elem_freqs AS shares"
            "  FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s"
            "  AND attname = 'search_vector' AND NOT inherited"
            ") AS stats ON true",
            [*params, matches.model._meta.db_table],
        )
        ids, grams, shares = cursor.fetchone()
    _remember_shares(grams, shares)
    return ids


def newest_matches(articles, query: str, *, scan: int, limit: int) -> list[int]:
    """Ids of the newest ``limit`` matches of ``query`` among the newest ``scan`` of ``articles``.

    For a query the statistics call common: read along the date index and
    checked row by row, it finds a page and proves "more than the cap" in a
    few hundred rows without the bigram index, whose posting lists for common
    grams are tens of thousands long. ``scan`` bounds the work when the guess
    was wrong (common grams that seldom occur together, or only in old
    articles). The same exact check as :func:`search`: the grams in the
    vector (exact for terms of one or two characters), then each longer term
    as a substring of the text, which is read only for rows that passed.
    """
    terms = terms_of(query)
    if not terms or connection.vendor != "postgresql":
        return []
    newest = articles.order_by("-published_at", "-id").values(
        "id", "published_at", "search_vector", "search_text"
    )
    sql, params = newest[:scan].query.sql_with_params()
    grams = sorted(set().union(*(needed_grams(term) for term in terms)))
    checks, args = ["search_vector @@ %s::tsquery"], [" & ".join(_lexeme(gram) for gram in grams)]
    for term in terms:
        if len(term) > 2:
            checks.append("strpos(search_text, %s) > 0")
            args.append(term)
    with connection.cursor() as cursor:
        # The LIMIT inside keeps the outer filter from reaching into the subquery, so the
        # date index is read newest first, and only as far as needed, whatever the estimates.
        cursor.execute(
            f"SELECT id FROM ({sql}) AS newest WHERE {' AND '.join(checks)}"
            " ORDER BY published_at DESC, id DESC LIMIT %s",
            [*params, *args, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def scan_for(share: float, wanted: int, margin: float) -> int:
    """How many of the newest articles to read to expect ``margin`` times ``wanted`` matches."""
    return math.ceil(margin * wanted / share)
