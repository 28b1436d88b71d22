"""Readers' copies worked out again after changes made behind the app's back.

Every copy a reader's page is built from (the rendered body and search
columns, cards, furniture, the listings, ``Category.newest_article``) is kept
in step by ``Article.save()``, the signal handlers and the workflow verbs. A
queryset ``update()``, a restore from a backup or SQL typed by hand passes
none of them. ``rebuild_reader_copies()`` works each copy out again from the
rows it copies, with the functions that keep it, compares it with the stored
one and writes only what differs, so it can say what it changed (or, dry,
what it would change) and a second run finds nothing to do.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from . import freshness, search
from .cards import cards_out_of_date
from .furniture import furniture_out_of_date
from .images import needs_renditions
from .models import (
    Article,
    Category,
    live_copies_out_of_step,
    newest_articles_out_of_step,
    refresh_live_copies,
    refresh_newest_articles,
)

# Each batch is one transaction holding its articles' rows locked: small enough
# that an editor's save of one of them waits under a second (one or two if every
# body must be rendered again), large enough that the queries per batch
# (listings, cards' authors, furniture) are few per article.
BATCH_SIZE = 100

RENDERING = ("rendered_html", "rendered_toc", "rendered_from")

# What the counts are of, in the order they are reported. "newest" counts
# categories; every other kind counts articles. "cover" is only counted: a
# rendition is made from the image file, by the make_cover_renditions command.
KINDS = ("rendering", "search", "card", "furniture", "category", "tag", "author", "newest", "cover")


@dataclass
class Rebuilt:
    articles: int = 0
    changed: Counter = field(default_factory=Counter)

    @property
    def nothing_to_do(self) -> bool:
        return not any(self.changed[kind] for kind in KINDS if kind != "cover")


def rebuild_reader_copies(
    *,
    article_ids: Iterable[int] | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> Rebuilt:
    """Work out every copy readers' pages are built from again, for all articles or for
    ``article_ids``, and store those that differ from the stored ones; with ``dry_run``,
    only count them. Batch by batch, each in its own transaction; the categories'
    newest articles last. Afterwards readers' stored pages are made stale.
    ``progress(n)`` is called after each batch of ``n`` articles."""
    rebuilt = Rebuilt()
    # Counted before the batches: rebuilding a listing also mends the newest articles
    # of its categories, which would then go uncounted.
    newest = newest_articles_out_of_step()
    rebuilt.changed["newest"] = len(newest)
    for ids in _batches(article_ids, batch_size):
        with transaction.atomic():
            rebuilt.changed.update(_rebuild_batch(ids, dry_run=dry_run))
        rebuilt.articles += len(ids)
        if progress is not None:
            progress(len(ids))
    if dry_run:
        return rebuilt
    if newest:
        with transaction.atomic():
            refresh_newest_articles(Category.objects.filter(pk__in=newest))
    # What changed behind the app's back reached no event: every page, in every cache.
    freshness.everything_changed()
    return rebuilt


def articles_to_rebuild(article_ids: Iterable[int] | None = None):
    articles = Article.objects.order_by("pk")
    return articles if article_ids is None else articles.filter(pk__in=list(article_ids))


def _batches(article_ids, batch_size):
    # Keyset pages of ids, not one cursor: each batch is its own transaction, and
    # no more than one batch of ids is held at a time.
    articles = articles_to_rebuild(article_ids)
    last = None
    while True:
        page = articles if last is None else articles.filter(pk__gt=last)
        ids = list(page.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _rebuild_batch(ids, *, dry_run) -> Counter:
    articles = Article.objects.filter(pk__in=ids).order_by("pk")
    if not dry_run:
        # An edit saved meanwhile waits for this batch, and so lands after it instead
        # of being overwritten with copies of what it replaced.
        articles = articles.select_for_update()
    articles = list(articles)
    changed = Counter()
    writes = defaultdict(dict)  # article id: {column: value}

    # The content's columns first: a card shows the reading time.
    for article in articles:
        fresh = article.derived_from_content()
        rendering = any(getattr(article, name) != fresh[name] for name in RENDERING)
        searching = (
            article.reading_time != fresh["reading_time"]
            or article.search_text != fresh["search_text"]
            or article.body_text != fresh["body_text"]
            or article.search_vector != search.index_text(fresh["search_text"])
        )
        changed["rendering"] += rendering
        changed["search"] += searching
        changed["cover"] += needs_renditions(article)
        for name, value in fresh.items():
            setattr(article, name, value)
        if rendering:
            writes[article.pk].update({name: fresh[name] for name in RENDERING})
        if searching:
            writes[article.pk].update(
                reading_time=fresh["reading_time"],
                search_text=fresh["search_text"],
                search_vector=search.index_value(fresh["search_text"]),
                body_text=fresh["body_text"],
            )
    for article in cards_out_of_date(articles):
        changed["card"] += 1
        writes[article.pk].update(
            card_html=article.card_html, card_from=article.card_from, card_shows=article.card_shows
        )
    for article, furniture in furniture_out_of_date(articles):
        changed["furniture"] += 1
        writes[article.pk]["furniture"] = furniture
    listings = live_copies_out_of_step(ids)
    changed.update({kind: len(stale) for kind, stale in listings.items()})

    if dry_run:
        return changed
    # One UPDATE per article, of only the columns that differ: few updates of an article
    # are HOT, and each other one indexes its search vector again (about 2.5 ms a row
    # here, half of what checking all its copies costs). Not through save(): no version
    # or updated_at change for what only derives from other rows.
    for pk, columns in writes.items():
        Article.objects.filter(pk=pk).update(**columns)
    if stale := set().union(*listings.values()):
        refresh_live_copies(stale)
    return changed
