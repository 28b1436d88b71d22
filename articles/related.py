"""An article page's neighbours: the previous and next articles, and related ones.

Related articles are the published articles nearest in time that share the
most tags and categories. Working them out costs more than the rest of the
page (two lists of neighbours and a count of shared tags for each), so the
result, previous and next included, is stored on the article
(``neighbours``) and reused until the article's own tags or categories
change (``neighbours_from``) or a day has passed (``neighbours_at``), which
brings in articles published since. A view then reads the three kinds of
link in one query.

Previous and next must never be stale: whenever an article goes live, is
taken down or moves in time, ``forget_neighbours_of()`` (called from
``refresh_live_copies()``) clears what the articles on either side of it
stored, and theirs are worked out again on their next view.
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
    stored = article.neighbours
    fresh = article.neighbours_at is not None and timezone.now() - article.neighbours_at < KEPT_FOR
    if stored and fresh and article.neighbours_from == worked_out_for:
        return _stored(stored)
    earlier, later = nearest_in_time(article, RELATED_NEIGHBOURHOOD)
    previous, following = _first(earlier), _first(later)
    related = rank_related(furniture, among=[near.pk for near in earlier + later])
    # Not through save(): no version or updated_at change for what only speeds up the page.
    Article.objects.filter(pk=article.pk).update(
        neighbours={
            "previous": previous and previous.pk,
            "next": following and following.pk,
            "related": [link.pk for link in related],
        },
        neighbours_from=worked_out_for,
        neighbours_at=Now(),
    )
    return previous, following, related


def _stored(stored):
    """(previous, next, related) from what ``around()`` stored, still published, in one query."""
    wanted = [stored["previous"], stored["next"], *stored["related"]]
    found = {
        link.pk: link
        for link in _links(Article.objects.published().filter(pk__in=[pk for pk in wanted if pk]))
    }
    return (
        found.get(stored["previous"]),
        found.get(stored["next"]),
        [found[pk] for pk in stored["related"] if pk in found],
    )


def ranking_key(furniture) -> str:
    """What stored neighbours were worked out for: the article's own tags and categories."""
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
