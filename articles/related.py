"""An article page's neighbours: the previous and next articles, and related ones.

Previous and next are the live articles just before and just after it in
the order (published_at, id): the id breaks the tie between articles that
went live in the same instant, as a scheduler batch publishes them. They are
read afresh on every view, along the index (status, published_at, id), so
nothing about them is stored and nothing has to be forgotten when an
article goes live, comes down or moves in time.

Related articles are the published articles nearest in time that share the
most tags and categories. Ranking them costs more than the rest of the page
(the neighbours on both sides and a count of shared tags for each), so the
ranking is stored on the article (``related_ids``) and reused until the
article's own tags or categories change (``related_from``) or a day has
passed (``related_at``), which brings in articles published since. Either
way the neighbours, and the ranked articles still live, come in one query.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from operator import itemgetter

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone
from taggit.models import TaggedItem

from .freshness import RELATED, copies_in_use
from .models import Article

RELATED_ARTICLES = 4
# Candidates are the articles published nearest in time, this many on each
# side: ranking the whole archive by shared tags would read every article's
# tags on every article page.
RELATED_NEIGHBOURHOOD = 100
KEPT_FOR = timedelta(days=1)
# The order of previous and next, as row comparisons: PostgreSQL reads each as a range of
# the index (status, published_at, id) that starts at the article itself, ties included.
EARLIER = "(published_at, id) < (%s, %s) ORDER BY published_at DESC, id DESC"
LATER = "(published_at, id) > (%s, %s) ORDER BY published_at, id"


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
    stored = article.related_ids is not None and fresh and article.related_from == worked_out_for
    if stored and copies_in_use(RELATED):
        earlier, later, related = live_around(article, count=1, related_ids=article.related_ids)
        return _first(earlier), _first(later), related
    earlier, later, _ = live_around(article, count=RELATED_NEIGHBOURHOOD)
    related = rank_related(furniture, among=[near.pk for near in earlier + later])
    if copies_in_use(RELATED):
        # Not through save(): no version or updated_at change for what only speeds up the page.
        Article.objects.filter(pk=article.pk).update(
            related_ids=[link.pk for link in related], related_from=worked_out_for, related_at=Now()
        )
    return _first(earlier), _first(later), related


def live_around(article, *, count, related_ids=()):
    """(earlier, later, related) in one query: the ``count`` live articles just before
    ``article`` and just after it in the order (published_at, id), nearest first, and
    those of ``related_ids`` still live, in that order."""
    # "Live" is Article.objects.published(), compiled by Django. The rest is SQL: the ORM has
    # no row comparison, and a union of three querysets cost three times the old single
    # query in Python. Each side is its own SELECT * FROM (…) so SQLite takes its LIMIT.
    live, live_params = (
        Article.objects.published()
        .order_by()
        .values("id", "title", "slug", "published_at")
        .query.sql_with_params()
    )

    def side(name, where, params):
        sql = f"SELECT * FROM (SELECT '{name}' AS side, * FROM ({live}) AS live WHERE {where}) AS {name}"
        return sql, [*live_params, *params]

    at = [connection.ops.adapt_datetimefield_value(article.published_at), article.pk]
    sides = [
        side("earlier", f"{EARLIER} LIMIT %s", [*at, count]),
        side("later", f"{LATER} LIMIT %s", [*at, count]),
    ]
    if related_ids:
        sides.append(side("related", f"id IN ({', '.join(['%s'] * len(related_ids))})", related_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in sides), [value for _, params in sides for value in params]
        )
        rows = cursor.fetchall()
    found = {"earlier": [], "later": [], "related": []}
    for name, pk, title, slug, published_at in rows:
        found[name].append((published_at, pk, Link(pk, title, slug)))
    # A union promises no order: each side is put back in its own.
    earlier = sorted(found["earlier"], key=itemgetter(0, 1), reverse=True)
    later = sorted(found["later"], key=itemgetter(0, 1))
    related = {pk: link for _, pk, link in found["related"]}
    return (
        [link for *_, link in earlier],
        [link for *_, link in later],
        [related[pk] for pk in related_ids if pk in related],
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
