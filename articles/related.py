"""An article page's neighbours: the previous and next articles, and related ones.

Previous and next are the live articles just before and just after it in
the order (published_at, id): the id breaks the tie between articles that
went live in the same instant, as a scheduler batch publishes them. They are
read afresh on every view, from the index (status, published_at, id), so
nothing about them is stored and nothing has to be forgotten when an
article goes live, comes down or moves in time.

Related articles are the published articles nearest in time that share the
most tags and categories. Ranking them costs more than the rest of the page
(two lists of neighbours and a count of shared tags for each), so the
ranking is stored on the article (``related_ids``) and reused until the
article's own tags or categories change (``related_from``) or a day has
passed (``related_at``), which brings in articles published since. A view
with the ranking stored reads previous, next and the ranked articles still
live in one query.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, IntegerField, OuterRef, Q, Subquery, Value
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
KEPT_FOR = timedelta(days=1)


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
    worked_out_for = ranking_key(furniture)
    fresh = article.related_at is not None and timezone.now() - article.related_at < KEPT_FOR
    if article.related_ids is not None and fresh and article.related_from == worked_out_for:
        return _with_stored_ranking(article, article.related_ids)
    earlier, later = nearest_in_time(article, RELATED_NEIGHBOURHOOD)
    related = rank_related(furniture, among=[near.pk for near in earlier + later])
    # Not through save(): no version or updated_at change for what only speeds up the page.
    Article.objects.filter(pk=article.pk).update(
        related_ids=[link.pk for link in related], related_from=worked_out_for, related_at=Now()
    )
    return _first(earlier), _first(later), related


def _with_stored_ranking(article, related_ids):
    """(previous, next, related) in one query: the neighbours read afresh, the ranking as
    stored, of both only what is live."""

    def links(side, articles):
        return articles.annotate(side=Value(side, output_field=CharField())).values_list(
            "side", "pk", "title", "slug"
        )

    published = Article.objects.published()
    previous = links("previous", published.filter(_before(article)).order_by("-published_at", "-id")[:1])
    following = links("next", published.filter(_after(article)).order_by("published_at", "id")[:1])
    related = links("related", published.filter(pk__in=related_ids).order_by())
    found = defaultdict(dict)
    for side, *link in previous.union(following, related, all=True):
        found[side][link[0]] = Link(*link)
    ranked = found["related"]
    return (
        _first(list(found["previous"].values())),
        _first(list(found["next"].values())),
        [ranked[pk] for pk in related_ids if pk in ranked],
    )


def _before(article):
    """Articles before ``article`` in the order (published_at, id)."""
    # The redundant "published_at <= its own" starts PostgreSQL's index scan at the article's
    # own time: with the OR alone it would walk the index from the newest article down. Of its
    # ties (a scheduler batch, at most PUBLISH_BATCH_SIZE) only those on the wrong side are skipped.
    return Q(published_at__lte=article.published_at) & (
        Q(published_at__lt=article.published_at) | Q(pk__lt=article.pk)
    )


def _after(article):
    """Articles after ``article`` in the order (published_at, id)."""
    return Q(published_at__gte=article.published_at) & (
        Q(published_at__gt=article.published_at) | Q(pk__gt=article.pk)
    )


def ranking_key(furniture) -> str:
    """What a stored ranking was worked out for: the article's own tags and categories."""
    tags, categories = sorted(furniture.tag_ids), sorted(furniture.category_ids)
    return hashlib.sha256(f"{tags}{categories}".encode()).hexdigest()


def _first(links):
    return links[0] if links else None


def _links(articles):
    # Plain rows, not model instances, which would cost more than the queries.
    return [Link(*row) for row in articles.values_list("pk", "title", "slug")]


def nearest_in_time(article, count):
    """The ``count`` published articles just before ``article`` and just after in the order
    (published_at, id), nearest first."""
    published = Article.objects.published()
    earlier = published.filter(_before(article)).order_by("-published_at", "-id")
    later = published.filter(_after(article)).order_by("published_at", "id")
    return _links(earlier[:count]), _links(later[:count])


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
        .order_by("-shared", "-published_at", "-id")[:RELATED_ARTICLES]
    )


def _count_per_article(links, article_field):
    counted = links.order_by().values(article_field).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
