"""An article page's neighbours: the previous and next articles, and related ones.

Related articles are the published articles nearest in time that share the
most tags and categories. Ranking them costs more than the rest of the page
(two lists of neighbours and a count of shared tags for each), so the
ranking is stored on the article (``related_ids``) and reused until the
article's own tags or categories change (``related_from``) or a day has
passed (``related_at``), which brings in articles published since.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone
from taggit.models import TaggedItem

from .models import Article

RELATED_ARTICLES = 4
# Candidates are the articles published nearest in time, this many on each
# side: ranking the whole archive by shared tags would read every article's
# tags on every article page.
RELATED_NEIGHBOURHOOD = 100
RANKING_KEPT_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Link:
    """Enough of an article to link to it."""

    pk: int
    title: str
    slug: str

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})


def around(article, furniture):
    """(previous, next, related) for ``article``'s page; ``furniture`` holds its tags and categories."""
    ranked_for = ranking_key(furniture)
    fresh = article.related_at is not None and timezone.now() - article.related_at < RANKING_KEPT_FOR
    if fresh and article.related_from == ranked_for:
        earlier, later = nearest_in_time(article, 1)
        return _first(earlier), _first(later), stored_related(article.related_ids or [])
    earlier, later = nearest_in_time(article, RELATED_NEIGHBOURHOOD)
    related = rank_related(furniture, among=[near.pk for near in earlier + later])
    # Not through save(): no version or updated_at change for what only speeds up the page.
    Article.objects.filter(pk=article.pk).update(
        related_ids=[link.pk for link in related], related_from=ranked_for, related_at=Now()
    )
    return _first(earlier), _first(later), related


def ranking_key(furniture) -> str:
    """What a stored ranking was made for: the article's own tags and categories."""
    tags, categories = sorted(furniture.tag_ids), sorted(furniture.category_ids)
    return hashlib.sha256(f"{tags}{categories}".encode()).hexdigest()


def _first(links):
    return links[0] if links else None


def _links(articles):
    # Plain rows, not model instances, which would cost more than the queries.
    return [Link(*row) for row in articles.values_list("pk", "title", "slug")]


def nearest_in_time(article, count):
    """The ``count`` published articles just before ``article`` and just after, nearest first."""
    published = Article.objects.published()
    earlier = published.filter(published_at__lt=article.published_at).order_by("-published_at", "-id")
    later = published.filter(published_at__gt=article.published_at).order_by("published_at", "id")
    return _links(earlier[:count]), _links(later[:count])


def stored_related(ids):
    """The stored ranking's articles still published, in its order."""
    if not ids:
        return []
    found = {link.pk: link for link in _links(Article.objects.published().filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def rank_related(furniture, *, among):
    """Of the published articles ``among`` (ids), those sharing most of ``furniture``'s tags and categories."""
    tag_ids, category_ids = furniture.tag_ids, furniture.category_ids
    # Counted in correlated subqueries, not through the generic relation: its join casts
    # taggit's integer object_id to bigint, which keeps PostgreSQL off the index and made
    # it read every tag link (500,000 at 100,000 articles) for each article page.
    shared_tags = (
        _count_per_article(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                object_id=OuterRef("pk"),
                tag_id__in=tag_ids,
            ),
            "object_id",
        )
        if tag_ids
        else Value(0)
    )
    shared_categories = _count_per_article(
        Article.categories.through.objects.filter(article_id=OuterRef("pk"), category_id__in=category_ids),
        "article_id",
    )
    # The candidates as a list of ids, not a subquery: given the subquery, PostgreSQL
    # sometimes chose to read the whole table and test each row against it (400 ms).
    return _links(
        Article.objects.published()
        .filter(pk__in=among)
        .annotate(shared=shared_tags + shared_categories)
        .filter(shared__gt=0)
        .order_by("-shared", "-published_at")[:RELATED_ARTICLES]
    )


def _count_per_article(links, article_field):
    counted = links.order_by().values(article_field).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
