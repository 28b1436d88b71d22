"""The content API, version 1: what readers may read, for readers' apps.

No token is needed and none changes anything: every answer is built from
``Article.objects.published()``, as the reader pages are, so a draft, an
article in review, one scheduled for later or one archived is a 404 or absent
whoever asks. Answers are stored like the reader pages (articles.cache), and
served from the store as early (api.stored): under the keys of what they show
(articles.freshness), forgotten by the same events, with an ETag over their
bytes for conditional GET.
"""

import base64
import binascii
import json
import re
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import urlencode
from ninja import Router
from taggit.models import Tag

from allforces.frontend_cache.headers import tag_response
from articles import cache, freshness, search, snippets
from articles.furniture import furniture_for_page, furniture_of_each
from articles.links import absolute_url
from articles.models import Article, Author, Category

from .errors import ApiError
from .schemas import ContentDetailOut, ContentListOut, ContentSearchOut, ErrorOut

router = Router(tags=["content"])

DEFAULT_LIMIT = 10
EARLIEST, LATEST = date(1900, 1, 1), date(9998, 12, 31)
# The largest id PostgreSQL's bigint holds.
MAX_ID = 2**63 - 1
# ASCII digits only: str.isdigit() also takes "²" and "１", which int() refuses or reads.
NUMBER = re.compile(r"[0-9]{1,19}")
MAX_LIMIT = 50
SEARCH_COUNT_CAP = 200
# Far enough to page through every counted result at the smallest limit.
MAX_SEARCH_PAGE = SEARCH_COUNT_CAP
FILTERS = {"category": "categories__slug", "tag": "tags__slug", "author": "article_authors__author__slug"}
# Lists and search results carry neither the body nor its renderings.
NOT_IN_LISTS = (
    "body",
    "search_text",
    "search_vector",
    "body_text",
    "rendered_html",
    "rendered_toc",
    "rendered_from",
    "related_ids",
    "card_html",
    "furniture",
)


def _subjects(furniture) -> dict:
    return {
        "authors": [{"slug": a.slug, "name": a.name} for a in furniture.authors],
        "categories": [{"slug": c.slug, "name": c.name} for c in furniture.categories],
        "tags": [{"slug": t.slug, "name": t.name} for t in furniture.tags],
    }


def _shown_subjects(furniture) -> set[str]:
    keys = {freshness.subject_key("author", a.pk) for a in furniture.authors}
    keys |= {freshness.subject_key("category", c.pk) for c in furniture.categories}
    return keys | {freshness.subject_key("tag", t.pk) for t in furniture.tags}


def _summary(article, furniture) -> dict:
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "excerpt": article.excerpt,
        "url": absolute_url(article.get_absolute_url()),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "version": article.version,
        **_subjects(furniture),
    }


def _answer(request, body, shows, *, storable=True):
    """``body`` as JSON, marked with what it shows (``shows``) for the store (api.stored) and the
    front-end caches; conditional GET answered. Unless ``storable``, it is never kept."""
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/json"
    )
    response.shows = sorted({cache.EVERYTHING, *shows})
    set_response_etag(response)
    _mark_shared(request, response, response.shows)
    # An answer for an editor's browser is marked private, and not kept, as pages are not.
    response.same_for_every_reader = storable and "private" not in response["Cache-Control"]
    return cache.answer_conditionally(request, response)


def _mark_shared(request, response, shows) -> None:
    # As the reader pages: browsers ask again every time (the ETag makes that cheap); a
    # front-end cache may keep the answer only where the app can make it forget it.
    if settings.FRONTEND_CACHE_PURGERS:
        tag_response(request, response, shows, s_maxage=settings.FRONTEND_CACHE_SECONDS)
    else:
        patch_cache_control(response, public=True, max_age=0)


def _limit(raw: str | None) -> int:
    if raw in (None, ""):
        return DEFAULT_LIMIT
    if not NUMBER.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, f"limit は 1 から {MAX_LIMIT} までの整数で指定してください。")
    return int(raw)


def _day(raw: str | None, name: str) -> date | None:
    if raw in (None, ""):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            400, f"{name} は YYYY-MM-DD 形式の日付で指定してください（例: 2026-04-01）。"
        ) from None
    # Outside this range the day's bounds in UTC would overflow Python's dates.
    if not EARLIEST <= day <= LATEST:
        raise ApiError(400, f"{name} は {EARLIEST} から {LATEST} までの日付で指定してください。")
    return day


def _slug(raw: str | None, name: str) -> str | None:
    if not raw:
        return None
    # PostgreSQL refuses NUL in text; no slug has a control character.
    if not raw.isprintable():
        raise ApiError(400, f"{name} に使えない文字が含まれています。")
    return raw


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def encode_cursor(article) -> str:
    raw = json.dumps([article.published_at.isoformat(), article.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(raw: str) -> tuple[datetime, int]:
    """(published_at, id) of the last article of the previous page; ApiError 400 if ``raw`` is not
    a cursor this API gave out."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        moment, pk = decoded
        moment = datetime.fromisoformat(moment)
        if timezone.is_naive(moment) or type(pk) is not int or not 0 < pk <= MAX_ID:
            raise ValueError
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise ApiError(
            400, "cursor が正しくありません。前の答えの next_cursor をそのまま渡してください。"
        ) from None
    return moment, pk


def _query(name: str, description: str, kind: str = "string") -> dict:
    return {
        "in": "query",
        "name": name,
        "required": name == "q",
        "description": description,
        "schema": {"type": kind},
    }


LIST_PARAMETERS = [
    _query("limit", f"1ページの件数（1〜{MAX_LIMIT}、既定 {DEFAULT_LIMIT}）", "integer"),
    _query("cursor", "前の答えの next_cursor"),
    _query("category", "カテゴリーのスラッグ"),
    _query("tag", "タグのスラッグ"),
    _query("author", "著者のスラッグ"),
    _query("since", "この日以降に公開（YYYY-MM-DD）"),
    _query("until", "この日までに公開（YYYY-MM-DD）"),
]
SEARCH_PARAMETERS = [
    _query("q", "検索語（空白で区切ると、すべてを含む記事）"),
    _query("limit", f"1ページの件数（1〜{MAX_LIMIT}、既定 {DEFAULT_LIMIT}）", "integer"),
    _query("page", f"ページ番号（1〜{SEARCH_COUNT_CAP}）", "integer"),
]
CONDITIONAL = {200: None, 304: None, 400: ErrorOut}


@router.get(
    "/articles",
    auth=None,
    summary="公開中の記事の一覧（新しい順、カーソル方式）",
    response={**CONDITIONAL, 200: ContentListOut},
    openapi_extra={"parameters": LIST_PARAMETERS},
)
def list_articles(request):
    params = request.GET
    limit = _limit(params.get("limit"))
    since, until = _day(params.get("since"), "since"), _day(params.get("until"), "until")
    if since and until and since > until:
        raise ApiError(400, "since は until 以前の日付にしてください。")
    cursor = params.get("cursor") or None
    after = decode_cursor(cursor) if cursor else None
    subjects = {name: _slug(params.get(name), name) for name in ("category", "tag", "author")}

    articles = Article.objects.published()
    for name, slug in subjects.items():
        if slug:
            articles = articles.filter(**{FILTERS[name]: slug})
    if since:
        articles = articles.filter(published_at__gte=_start_of(since))
    if until:
        articles = articles.filter(published_at__lt=_start_of(until + timedelta(days=1)))
    if after:
        moment, pk = after
        articles = articles.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    page = list(articles.defer(*NOT_IN_LISTS).order_by("-published_at", "-id")[: limit + 1])
    page, more = page[:limit], len(page) > limit
    furniture = furniture_of_each(article.pk for article in page)
    shows = {freshness.TIMELINE}
    for article in page:
        shows.add(freshness.article_key(article.pk))
        shows |= _shown_subjects(furniture[article.pk])
    named = _named_subjects(subjects)
    shows |= {freshness.subject_key(kind, pk) for kind, pk in named}
    next_cursor = encode_cursor(page[-1]) if more else None
    query = {k: v for k, v in {**subjects, "since": since, "until": until, "limit": limit}.items() if v}
    body = {
        "results": [_summary(article, furniture[article.pk]) for article in page],
        "next_cursor": next_cursor,
        "next": absolute_url(f"{request.path}?{urlencode({**query, 'cursor': next_cursor})}")
        if next_cursor
        else None,
    }
    # A list by a name nobody has yet is not kept: no key would forget it once someone does.
    storable = len(named) == sum(1 for slug in subjects.values() if slug)
    return _answer(request, body, shows, storable=storable)


def _named_subjects(subjects) -> list[tuple[str, int]]:
    models = {"category": Category, "tag": Tag, "author": Author}
    found = []
    for kind, slug in subjects.items():
        if slug:
            pk = models[kind].objects.filter(slug=slug).values_list("pk", flat=True).first()
            if pk is not None:
                found.append((kind, pk))
    return found


@router.get(
    "/articles/{ident}",
    auth=None,
    summary="公開中の記事ひとつ（スラッグか ID で）",
    response={**CONDITIONAL, 200: ContentDetailOut, 404: ErrorOut},
)
def get_article(request, ident: str):
    live = Article.objects.published().defer("search_text", "search_vector", "body_text", "card_html")
    article = live.filter(slug=ident).first() if ident.isprintable() else None
    if article is None and NUMBER.fullmatch(ident) and int(ident) <= MAX_ID:
        article = live.filter(pk=int(ident)).first()
    if article is None:
        raise ApiError(404, "記事が見つかりません。")
    if not article.has_stored_rendering and freshness.copies_in_use(freshness.RENDERING):
        article.store_rendering()
    furniture = furniture_for_page(article)
    body = {
        **_summary(article, furniture),
        "first_published_at": article.first_published_at,
        "html": str(article.rendered_body),
    }
    return _answer(request, body, {freshness.article_key(article.pk), *_shown_subjects(furniture)})


@router.get(
    "/search",
    auth=None,
    summary="公開中の記事の検索（日本語）",
    response={**CONDITIONAL, 200: ContentSearchOut},
    openapi_extra={"parameters": SEARCH_PARAMETERS},
)
def search_articles(request):
    query = request.GET.get("q", "")[: search.MAX_QUERY_LENGTH * 2]
    if not search.terms_of(query):
        raise ApiError(400, "検索語を q に指定してください。")
    limit = _limit(request.GET.get("limit"))
    page_number = _page(request.GET.get("page"))
    start = (page_number - 1) * limit

    # The snippets come from body_text.
    articles = Article.objects.published().defer(*(name for name in NOT_IN_LISTS if name != "body_text"))
    articles = articles.order_by("-published_at", "-id")
    try:
        # As the search page: bounded in time, and told rather than kept waiting.
        with transaction.atomic(savepoint=False):
            search.limit_time(settings.SEARCH_TIME_LIMIT_MS)
            found = search.find(articles, query, cap=SEARCH_COUNT_CAP, page_end=start + limit + 1)
            if found.walk:
                search.walk_the_date_index()
            page = list(found.articles[start : start + limit + 1])
            count, cut_short = found.count, False
    except OperationalError as error:
        if not search.ran_out_of_time(error):
            raise
        page, count, cut_short = [], 0, True
    page, more = page[:limit], len(page) > limit
    furniture = furniture_of_each(article.pk for article in page)
    shows = {freshness.SEARCH, *(freshness.article_key(article.pk) for article in page)}
    for article in page:
        shows |= _shown_subjects(furniture[article.pk])
    notes = search.query_notes(query)
    if cut_short:
        notes.append("この言葉の検索は時間がかかりすぎるため、途中でやめました。")
    body = {
        "query": query,
        "count": min(count, SEARCH_COUNT_CAP),
        "more_than_count": count > SEARCH_COUNT_CAP,
        "notes": notes,
        "results": [
            {
                **_summary(article, furniture[article.pk]),
                "snippet": snippets.snippet(article.text_for_snippets(), query),
            }
            for article in page
        ],
        "page": page_number,
        "next": absolute_url(
            f"{request.path}?{urlencode({'q': query, 'limit': limit, 'page': page_number + 1})}"
        )
        if more
        else None,
    }
    return _answer(request, body, shows, storable=not cut_short)


def _page(raw: str | None) -> int:
    """Search pages by number, as the search page does: results are ranked (a title match
    first), not in the date order a cursor follows."""
    if raw in (None, ""):
        return 1
    if not NUMBER.fullmatch(raw) or not 1 <= int(raw) <= MAX_SEARCH_PAGE:
        raise ApiError(400, f"page は 1 から {MAX_SEARCH_PAGE} までの整数で指定してください。")
    return int(raw)
