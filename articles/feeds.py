from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .links import absolute_url
from .models import Article, Category, public_authors, public_tags
from .validators import strip_control_characters


class LatestArticlesRss(Feed):
    """The whole site; subclasses narrow it to a category, a tag or an author."""

    description = "投資とテクノロジーの分析メディア ALLFORCES の新着記事"
    url_name = "articles:feed_rss"

    # Feed readers take RSS titles, names and categories as HTML: plain text
    # goes in escaped (as Django's own Feed does for item titles), so a "<"
    # in a title or a name is shown, never run. Atom overrides this.
    def as_feed_text(self, text):
        return escape(text)

    def title(self, obj=None):
        return self.as_feed_text(f"ALLFORCES: {obj}") if obj else "ALLFORCES"

    # Every address absolute on SITE_URL: Feed would otherwise prefix the request's host.
    def link(self, obj=None):
        return absolute_url(obj.get_absolute_url() if obj else reverse("articles:home"))

    def feed_url(self, obj=None):
        return absolute_url(reverse(self.url_name, kwargs={"slug": obj.slug} if obj else None))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def narrow(self, articles, obj):
        return articles

    def get_feed(self, obj, request):
        # Rows saved before control characters were refused may still hold them,
        # and XML 1.0 cannot carry most: one such title made the whole feed a 500.
        feed = super().get_feed(obj, request)
        feed.feed = without_controls(feed.feed)
        feed.items = [without_controls(item) for item in feed.items]
        return feed

    def items(self, obj=None):
        articles = Article.objects.published().for_listing().order_by("-published_at", "-id")
        return self.narrow(articles, obj)[: settings.FEED_ITEMS]

    def item_title(self, item):
        return self.as_feed_text(item.title)

    # A description is HTML in both formats; the full text is already sanitised.
    def item_description(self, item):
        return item.rendered_body if settings.FEED_FULL_TEXT else escape(item.excerpt or item.title)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # A re-publication moves published_at past the last edit; "updated" never comes before it.
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return self.as_feed_text("、".join(author.name for author in item.ordered_authors))

    def item_categories(self, item):
        names = [category.name for category in item.categories.all()] + [tag.name for tag in item.tags.all()]
        return [self.as_feed_text(name) for name in names]


class AtomText:
    feed_type = Atom1Feed
    url_name = "articles:feed_atom"
    subtitle = LatestArticlesRss.description

    def as_feed_text(self, text):
        return text  # Atom's titles and names are text by definition (RFC 4287)


class LatestArticlesAtom(AtomText, LatestArticlesRss):
    pass


def _scoped(subjects, lookup, page):
    class ScopedRss(LatestArticlesRss):
        url_name = f"articles:{page}_rss"

        def get_object(self, request, slug):
            return get_object_or_404(subjects(), slug=slug)

        def link(self, obj=None):
            return absolute_url(reverse(f"articles:{page}", kwargs={"slug": obj.slug}))

        def narrow(self, articles, obj):
            return articles.filter(**{lookup: obj})

    class ScopedAtom(AtomText, ScopedRss):
        url_name = f"articles:{page}_atom"

    return ScopedRss, ScopedAtom


CategoryRss, CategoryAtom = _scoped(Category.objects.all, "categories", "category")
TagRss, TagAtom = _scoped(public_tags, "tags", "tag")
AuthorRss, AuthorAtom = _scoped(public_authors, "authors", "author")


def without_controls(value):
    """``value`` (a feed's or an item's fields) with control characters taken out of its text."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, dict):
        return {key: without_controls(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_controls(item) for item in value)
    return value
