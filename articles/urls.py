from functools import wraps

from django.urls import path, register_converter

from . import feeds, freshness, views
from .cache import cached_for_readers
from .converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"


def conditional_feed(feed):
    """A feed kept like the pages, under the one key every change that a feed can show forgets."""

    @wraps(feed)
    def shown(request, *args, **kwargs):
        response = feed(request, *args, **kwargs)
        response.shows = {freshness.FEEDS}
        return response

    return cached_for_readers(shown)


urlpatterns = [
    path("", cached_for_readers(views.HomeView.as_view()), name="home"),
    path(
        "articles/<uslug:slug>/",
        cached_for_readers(views.ArticleDetailView.as_view()),
        name="detail",
    ),
    path("category/<uslug:slug>/", cached_for_readers(views.CategoryView.as_view()), name="category"),
    path("author/<uslug:slug>/", cached_for_readers(views.AuthorView.as_view()), name="author"),
    path("tag/<uslug:slug>/", cached_for_readers(views.TagView.as_view()), name="tag"),
    path("archive/<int:year>/", cached_for_readers(views.ArchiveView.as_view()), name="archive_year"),
    path(
        "archive/<int:year>/<int:month>/",
        cached_for_readers(views.ArchiveView.as_view()),
        name="archive_month",
    ),
    path("feeds/rss/", conditional_feed(feeds.LatestArticlesRss()), name="feed_rss"),
    path("feeds/atom/", conditional_feed(feeds.LatestArticlesAtom()), name="feed_atom"),
    path("category/<uslug:slug>/rss/", conditional_feed(feeds.CategoryRss()), name="category_rss"),
    path("category/<uslug:slug>/atom/", conditional_feed(feeds.CategoryAtom()), name="category_atom"),
    path("tag/<uslug:slug>/rss/", conditional_feed(feeds.TagRss()), name="tag_rss"),
    path("tag/<uslug:slug>/atom/", conditional_feed(feeds.TagAtom()), name="tag_atom"),
    path("author/<uslug:slug>/rss/", conditional_feed(feeds.AuthorRss()), name="author_rss"),
    path("author/<uslug:slug>/atom/", conditional_feed(feeds.AuthorAtom()), name="author_atom"),
    path("search/", cached_for_readers(views.SearchView.as_view()), name="search"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
