from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Article, Category, published_q


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Article.objects.published().order_by("-published_at").only("slug", "updated_at", "published_at")
        )

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return (
            Category.objects.annotate(latest=Max("articles__updated_at", filter=published_q("articles__")))
            .filter(latest__isnull=False)
            .order_by("position", "pk")
        )

    def lastmod(self, category):
        return category.latest
