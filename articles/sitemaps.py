from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .links import site_origin
from .models import Article, Category, public_authors, published_q


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL; the sitemap view would pass the request's scheme and host."""

    def get_protocol(self, protocol=None):
        return urlsplit(site_origin()).scheme

    def get_domain(self, site=None):
        return urlsplit(site_origin()).netloc


class ArticleSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Article.objects.published().order_by("-published_at").only("slug", "updated_at", "published_at")
        )

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return (
            Category.objects.annotate(latest=Max("articles__updated_at", filter=published_q("articles__")))
            .filter(latest__isnull=False)
            .order_by("position", "pk")
        )

    def lastmod(self, category):
        return category.latest


class AuthorSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return (
            public_authors()
            .annotate(latest=Max("articles__updated_at", filter=published_q("articles__")))
            .order_by("pk")
        )

    def lastmod(self, author):
        return author.latest
