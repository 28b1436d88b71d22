"""What an article page shows around the body: its authors, categories and tags.

Read in one query, a UNION of three small selects: fetched as three
prefetches they were the slowest part of the page (each query costs about
as much Python as SQL, and these are tiny), more than the article itself.
The page then keeps them on the article (``Article.furniture``) and reads
them with the article; the signal handlers in articles/signals.py forget
them whenever an author, category or tag it shows, or a link to one,
changes (``forget_furniture()``).
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, CharField, F, IntegerField, Value
from taggit.models import Tag, TaggedItem

from .freshness import FURNITURE, copies_in_use
from .models import Article, ArticleAuthor, Author, Category


@dataclass(frozen=True)
class Furniture:
    authors: list[Author]
    categories: list[Category]
    tags: list[Tag]

    def to_stored(self):
        return {
            "authors": [[a.pk, a.name, a.slug, a.is_team] for a in self.authors],
            "categories": [[c.pk, c.name, c.slug, c.position] for c in self.categories],
            "tags": [[t.pk, t.name, t.slug] for t in self.tags],
        }

    @classmethod
    def from_stored(cls, stored):
        return cls(
            authors=[
                Author(pk=pk, name=name, slug=slug, is_team=team)
                for pk, name, slug, team in stored["authors"]
            ],
            categories=[
                Category(pk=pk, name=name, slug=slug, position=position)
                for pk, name, slug, position in stored["categories"]
            ],
            tags=[Tag(pk=pk, name=name, slug=slug) for pk, name, slug in stored["tags"]],
        )

    @property
    def tag_ids(self):
        return [tag.pk for tag in self.tags]

    @property
    def category_ids(self):
        return [category.pk for category in self.categories]


# The columns every part of the union gives, in this order.
COLUMNS = ("article", "kind", "position", "link", "pk", "name", "slug", "is_team")


def _kind(name):
    return Value(name, output_field=CharField())


def furniture_of(article) -> Furniture:
    """``article``'s authors (in their order), categories (in the site's order) and tags (by name)."""
    return furniture_of_each([article.pk])[article.pk]


def furniture_of_each(article_ids) -> dict[int, Furniture]:
    """furniture_of() for each of ``article_ids``, in one query."""
    article_ids = list(article_ids)
    if not article_ids:
        return {}
    authors = (
        ArticleAuthor.objects.filter(article_id__in=article_ids)
        .annotate(kind=_kind("author"), link=F("id"))
        .values_list(
            "article_id",
            *COLUMNS[1:3],
            "link",
            "author_id",
            "author__name",
            "author__slug",
            "author__is_team",
        )
        .order_by()  # no ordering inside a UNION (SQLite refuses it); sorted below
    )
    categories = (
        Article.categories.through.objects.filter(article_id__in=article_ids)
        .annotate(
            kind=_kind("category"),
            link=F("id"),
            is_team=Value(False, output_field=BooleanField()),
            position=F("category__position"),
        )
        .values_list(
            "article_id", *COLUMNS[1:4], "category_id", "category__name", "category__slug", "is_team"
        )
        .order_by()
    )
    tags = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id__in=article_ids
        )
        .annotate(
            kind=_kind("tag"),
            link=F("id"),
            position=Value(0, output_field=IntegerField()),
            is_team=Value(False, output_field=BooleanField()),
        )
        .values_list("object_id", *COLUMNS[1:4], "tag_id", "tag__name", "tag__slug", "is_team")
        .order_by()
    )
    rows = {pk: [] for pk in article_ids}
    for row in authors.union(categories, tags, all=True):
        rows[row[0]].append(dict(zip(COLUMNS, row, strict=True)))
    return {pk: _furnished(found) for pk, found in rows.items()}


def _furnished(rows) -> Furniture:
    def of(kind, order):
        return sorted((row for row in rows if row["kind"] == kind), key=order)

    return Furniture(
        authors=[
            Author(pk=row["pk"], name=row["name"], slug=row["slug"], is_team=row["is_team"])
            for row in of("author", lambda row: (row["position"], row["link"]))
        ],
        categories=[
            Category(pk=row["pk"], name=row["name"], slug=row["slug"], position=row["position"])
            for row in of("category", lambda row: (row["position"], row["name"]))
        ],
        tags=[
            Tag(pk=row["pk"], name=row["name"], slug=row["slug"])
            for row in of("tag", lambda row: row["name"])
        ],
    )


def furniture_for_page(article) -> Furniture:
    """``article``'s furniture as stored on it, read and stored first if missing."""
    if not copies_in_use(FURNITURE):
        return furniture_of(article)
    if article.furniture is not None:
        return Furniture.from_stored(article.furniture)
    furniture = furniture_of(article)
    # Not through save(): no version or updated_at change for what only speeds up the page.
    Article.objects.filter(pk=article.pk).update(furniture=furniture.to_stored())
    return furniture


def furniture_out_of_date(articles) -> list[tuple]:
    """Of ``articles`` (instances), those with stored furniture other than what is read
    now, each as (article, its fresh furniture in stored form); an article with none
    stored is left alone. For what changed behind the app's back, unseen by the signals."""
    stored = [article for article in articles if article.furniture is not None]
    fresh = furniture_of_each(article.pk for article in stored)
    return [
        (article, now) for article in stored if (now := fresh[article.pk].to_stored()) != article.furniture
    ]


def forget_furniture(articles) -> None:
    """Have the furniture of ``articles`` (a queryset) read again on their next page view."""
    articles.filter(furniture__isnull=False).update(furniture=None)
