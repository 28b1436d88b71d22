import json

from django.conf import settings
from django.core.paginator import EmptyPage
from django.db import OperationalError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Now
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from . import freshness, search, snippets
from .cards import rendered_cards
from .furniture import furniture_for_page
from .images import shown_cover
from .links import absolute_url
from .models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    CategoryListing,
    TagListing,
    live_article_ids,
    public_authors,
)
from .pagination import OpenEndedPaginator, requested_page
from .related import around

# A card shows neither the body nor the search columns, and they are most of
# an article's bytes (about 40 KB for 6,000 characters): lists leave them unread.
NOT_ON_CARDS = (
    "body",
    "search_text",
    "search_vector",
    "body_text",
    "rendered_html",
    "rendered_toc",
    "rendered_from",
    "related_ids",
    "furniture",
)
MAX_PAGE_NUMBER = 1_000_000


def printable(text: str) -> str:
    """``text`` without control characters, for echoing a reader's input back."""
    return "".join(character for character in text if character.isprintable())


class ReaderNotFound(Http404):
    """A 404 whose message is written for readers, in Japanese, and shown on the page."""


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    deferred_fields = NOT_ON_CARDS
    paginator_class = OpenEndedPaginator
    shows_cards = True

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return self.articles().defer(*self.deferred_fields).order_by("-published_at", "-id")

    def articles(self):
        # Authors and categories are fetched in rendered_cards(), only for cards not cached.
        return Article.objects.published()

    def paginate_queryset(self, queryset, page_size):
        # A malformed or out-of-range ?page= is the designed 404 page saying
        # what is wrong; never the last page, so a wrong link stays visible.
        # (The paginator never counts the list, so it cannot name the last page.)
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        raw = self.request.GET.get(self.page_kwarg, "")
        shown = printable(raw[:20])
        number = requested_page(raw)
        if number < 1:
            raise ReaderNotFound(
                f"「{shown}」というページはありません。ページ番号は 1 以上の数字で指定してください。"
            )
        try:
            # Past any list's end, and short of an OFFSET too big for the database.
            if number > MAX_PAGE_NUMBER:
                raise EmptyPage
            page = paginator.page(number)
        except EmptyPage:
            raise ReaderNotFound(
                f"「{shown}」というページはありません。一覧はそこまで続いていません。最初のページからご覧ください。"
            ) from None
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.shows_cards:
            context["cards"] = rendered_cards(context["articles"])
            self.shows = freshness.shown_by_cards(context["articles"])
        else:
            self.shows = {freshness.article_key(article.pk) for article in context["articles"]}
        self.shows |= self.list_shows()
        return context

    def list_shows(self) -> set[str]:
        """The keys of what the list is (articles.freshness), beside its cards'."""
        return {freshness.TIMELINE}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.shows = self.shows
        return response


class HomeView(ArticleListView):
    """The latest articles, and on the first page the newest of each category."""

    def get_queryset(self):
        return pages_cut_from_the_date_index(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            context["featured"] = featured = featured_by_category()
            self.shows.add(freshness.FEATURED)
            self.shows |= {freshness.subject_key("category", category.pk) for category, _ in featured}
            self.shows |= {freshness.article_key(article.pk) for _, article in featured}
        return context


def featured_by_category():
    """(category, its newest live article not featured above it) for every category that has
    one, in the categories' order: an article in two categories is featured once.

    One query, and one more for each category whose newest article an earlier
    category already features (then its next newest is shown, if it has one).
    """
    newest = newest_by_category() if not freshness.copies_in_use(freshness.NEWEST) else newest_from_copy()
    featured, shown = [], set()
    for category, article in newest:
        if article.pk in shown and (article := newest_not_in(category, shown)) is None:
            continue
        shown.add(article.pk)
        featured.append((category, article))
    return featured


def newest_not_in(category, shown):
    """``category``'s newest live article that is not one of ``shown`` (ids), or None."""
    return (
        Article.objects.published()
        .filter(categories=category)
        .exclude(pk__in=shown)
        .order_by("-published_at", "-id")
        .only("title", "slug")
        .first()
    )


def newest_from_copy():
    """(category, its newest live article) for every category that has one, from
    ``Category.newest_article``, in one query."""
    categories = (
        Category.objects.select_related("newest_article")
        # The copy only points: the article itself must be live.
        .filter(newest_article__status=Article.Status.PUBLISHED, newest_article__published_at__lte=Now())
        .only("name", "slug", "position", "newest_article__title", "newest_article__slug")
    )
    return [(category, category.newest_article) for category in categories]


def newest_by_category():
    """newest_from_copy() worked out from the articles themselves, not from
    ``Category.newest_article`` (articles.freshness.copies_in_use)."""
    newest = (
        Article.objects.published()
        .filter(categories=OuterRef("pk"))
        .order_by("-published_at", "-id")
        .values("pk")[:1]
    )
    categories = list(Category.objects.annotate(newest_id=Subquery(newest)).filter(newest_id__isnull=False))
    articles = Article.objects.only("title", "slug").in_bulk([category.newest_id for category in categories])
    return [(category, articles[category.newest_id]) for category in categories]


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Anything not published is a 404, never a 403: its existence must not leak.
        return Article.objects.published().defer("search_text", "search_vector", "body_text", "card_html")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not article.has_stored_rendering and freshness.copies_in_use(freshness.RENDERING):
            article.store_rendering()
        return article

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["furniture"] = furniture = furniture_for_page(article)
        context["structured_data"] = news_article_json_ld(article, furniture)
        context["cover"] = shown_cover(article)
        previous, following, related = around(article, furniture)
        context.update(previous_article=previous, next_article=following, related_articles=related)
        self.shows = freshness.shown_by_article_page(article, furniture, [previous, following, *related])
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.shows = self.shows
        return response


def news_article_json_ld(article, furniture):
    """schema.org NewsArticle for search engines, safe inside a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.excerpt,
        "url": absolute_url(article.get_absolute_url()),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "inLanguage": "ja",
        "author": [
            {"@type": "Organization" if author.is_team else "Person", "name": author.name}
            for author in furniture.authors
        ],
        "publisher": {"@type": "Organization", "name": "ALLFORCES"},
        "keywords": [tag.name for tag in furniture.tags],
    }
    encoded = json.dumps(data, ensure_ascii=False)
    # "<", ">" and "&" escaped so no text in an article can close the script element.
    return mark_safe(encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class _FilteredListView(ArticleListView):
    """A list of published articles narrowed to one category, author or tag."""

    model = None
    heading_label = ""

    def subjects(self):
        return self.model.objects.all()

    def get_queryset(self):
        self.subject = get_object_or_404(self.subjects(), slug=self.kwargs["slug"])
        return self.narrow(super().get_queryset())

    def narrow(self, articles):
        """``articles`` (published, newest first) narrowed to the subject's."""
        raise NotImplementedError

    def list_shows(self):
        return {freshness.subject_key(self.model._meta.model_name, self.subject.pk)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.subject
        context["heading_label"] = self.heading_label
        context["scoped_feeds"] = {
            kind: reverse(f"articles:{self.feed_prefix}_{kind}", kwargs={"slug": self.subject.slug})
            for kind in ("rss", "atom")
        }
        return context


class _ListedNewestFirst:
    """A subject's articles for OpenEndedPaginator, each page cut from a listing's own index.

    Page 200 of a category (or a tag, or an author) reads 21 listing entries
    after skipping 3,980 in the index (category, live_since), not thousands
    of articles along the date index; the page's articles are then read by
    id, still only if live.
    """

    def __init__(self, articles, article_ids):
        self.articles, self.article_ids = articles, article_ids

    def __getitem__(self, window):
        return self.articles.filter(pk__in=self.article_ids[window])


def pages_cut_from_the_date_index(articles):
    """``articles`` (published, newest first) with each page's window cut from the ids alone.

    The window's ids come from the index (status, published_at, id) without
    reading a row, so page 200 skips 3,980 index entries instead of fetching
    3,980 articles to throw away; the page's 20 are then read by id.
    """
    return _ListedNewestFirst(articles, articles.values("pk"))


class CategoryView(_FilteredListView):
    model = Category
    feed_prefix = "category"
    heading_label = "カテゴリー"

    def narrow(self, articles):
        if not freshness.copies_in_use(freshness.LISTINGS):
            return pages_cut_from_the_date_index(articles.filter(categories=self.subject))
        return _ListedNewestFirst(
            articles, live_article_ids(CategoryListing.objects, "category", self.subject)
        )


class AuthorView(_FilteredListView):
    model = Author
    feed_prefix = "author"
    heading_label = "著者"

    def subjects(self):
        # The same 404 as an author who does not exist, until their first article is live.
        return public_authors()

    def narrow(self, articles):
        if not freshness.copies_in_use(freshness.LISTINGS):
            return pages_cut_from_the_date_index(articles.filter(article_authors__author=self.subject))
        return _ListedNewestFirst(articles, live_article_ids(ArticleAuthor.objects, "author", self.subject))


class TagView(_FilteredListView):
    model = Tag
    feed_prefix = "tag"
    heading_label = "タグ"

    def narrow(self, articles):
        if not freshness.copies_in_use(freshness.LISTINGS):
            return pages_cut_from_the_date_index(articles.filter(tags=self.subject))
        return _ListedNewestFirst(articles, live_article_ids(TagListing.objects, "tag", self.subject))

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        if not paginated[2]:
            # A tag no live article has may name a story that is not out yet: the same 404
            # as a tag that does not exist (its first page is the only one that can be empty).
            raise Http404("ページが見つかりません。")
        return paginated


class ArchiveView(ArticleListView):
    """Published articles of one year, or one month, in Tokyo time."""

    def get_queryset(self):
        self.year, self.month = self.kwargs["year"], self.kwargs.get("month")
        if not 2000 <= self.year <= 2100 or (self.month is not None and not 1 <= self.month <= 12):
            raise ReaderNotFound(
                "その年月のアーカイブはありません。年は 2000〜2100、月は 1〜12 で指定してください。"
            )
        articles = super().get_queryset().filter(published_at__year=self.year)
        return pages_cut_from_the_date_index(
            articles.filter(published_at__month=self.month) if self.month else articles
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = f"{self.year}年{self.month}月" if self.month else f"{self.year}年"
        context["heading_label"] = "アーカイブ"
        return context

    def list_shows(self):
        return {f"archive-{self.year}-{self.month:02d}" if self.month else f"archive-{self.year}"}


@cache_control(max_age=3600, public=True)
def robots_txt(request):
    sitemap = absolute_url(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /editorial/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


SEARCH_COUNT_CAP = 200


class SearchView(ArticleListView):
    template_name = "articles/search.html"
    shows_cards = False  # results are a title, a date and a snippet
    # The snippets come from body_text: search_text, folded for matching, is not shown.
    deferred_fields = (
        "body",
        "search_text",
        "search_vector",
        "rendered_html",
        "rendered_toc",
        "rendered_from",
        "related_ids",
        "card_html",
        "furniture",
    )

    def articles(self):
        # A result shows its title, date and snippet: no authors, categories or tags to fetch.
        return Article.objects.published()

    def list_shows(self):
        return {freshness.SEARCH}

    def get_queryset(self):
        return self.found

    def get(self, request, *args, **kwargs):
        self.query = request.GET.get("q", "")[: search.MAX_QUERY_LENGTH * 2]
        self.cut_short = False
        try:
            # The scope of the time limit and of walk_the_date_index(); the page's results
            # are read inside it (get_context_data), before the template is rendered.
            with transaction.atomic(savepoint=False):
                search.limit_time(settings.SEARCH_TIME_LIMIT_MS)
                found = search.find(
                    super().get_queryset(), self.query, cap=SEARCH_COUNT_CAP, page_end=self.page_end()
                )
                self.result_count, self.found = found.count, found.articles
                if found.walk:
                    search.walk_the_date_index()
                try:
                    return super().get(request, *args, **kwargs)
                except Http404 as error:
                    # A bad ?page=. Raised after the block: leaving a block without a savepoint
                    # by an exception marks an enclosing transaction (a test's) as broken, and
                    # the 404 page still reads the database (the header's categories).
                    not_found = error
            raise not_found
        except OperationalError as error:
            if not search.ran_out_of_time(error):
                raise
        # A phrase of common characters that almost never occurs makes the index re-check
        # tens of thousands of articles; past the limit the reader is told, not kept waiting.
        self.cut_short, self.result_count, self.found = True, 0, Article.objects.none()
        return super().get(request, *args, **kwargs)

    def page_end(self) -> int:
        """How many results the requested page needs counted from the first, one beyond it
        included (the paginator's look-ahead); unbounded for a page number it will refuse."""
        number = requested_page(self.request.GET.get(self.page_kwarg, ""))
        if not 1 <= number <= MAX_PAGE_NUMBER:
            return MAX_PAGE_NUMBER * settings.ARTICLES_PER_PAGE
        return number * settings.ARTICLES_PER_PAGE + 1

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = printable(self.query)
        context["terms"] = search.terms_of(self.query)
        context["query_notes"] = search.query_notes(self.query)
        if self.cut_short:
            context["query_notes"].append(
                "この言葉の検索は時間がかかりすぎるため、途中でやめました。"
                "もっと短い言葉か、別の言い方でお試しください。"
            )
        context["result_count"] = self.result_count
        context["result_count_cap"] = SEARCH_COUNT_CAP
        context["results"] = [
            (article, snippets.snippet(article.text_for_snippets(), self.query))
            for article in context["articles"]
        ]
        return context
