"""Why a reader page shows what it shows, and what an edit makes stale: in one place.

Every reader page names what it shows in surrogate keys:

==================  ========================================================
``article-<id>``    one article's own columns: title, excerpt, body, cover,
                    dates, address. Every page that shows the article, whole
                    or as a card or a link, carries it.
``category-<id>``   a category's name, address and description, and which
``tag-<id>``        live articles are in it: its own list and feeds, every
``author-<id>``     page that shows its name, and every article page whose
                    related articles are chosen by it.
``timeline``        which articles are live and in what order: home, the
                    archives, the site's feeds and the sitemap.
``featured``        which categories home's first page features, with which
                    article.
``categories``      the site header's menu: every category's name, address
                    and place in the order. Every page with the header.
``archive-<y>-<m>`` one month's archive (and ``archive-<y>`` the year's).
``search``          every search result page.
``feeds``           every feed (items carry text, names and links alike).
``all``             every page (articles.cache adds it).
==================  ========================================================

An event (below) forgets keys: the app's page cache stamps them after the
commit (articles/cache.py), and the front-end caches purge them through a
retried task (allforces/frontend_cache). Signal handlers, workflow verbs,
the importer and the rebuild command only report events here.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from allforces.frontend_cache.purging import purge_after_commit

from . import cache

TIMELINE = "timeline"
# Which category home features, and with which article: changed by an article going live
# or coming down (``timeline`` covers those) and by a live article joining or leaving a
# category, which is why it has a key of its own.
FEATURED = "featured"
# The site header lists every category (articles/templatetags/site_navigation.py), so every
# page with the header carries this key, and adding, editing or deleting a category forgets it.
CATEGORY_MENU = "categories"
SEARCH = "search"
FEEDS = "feeds"
EVERYTHING = cache.EVERYTHING


def article_key(pk) -> str:
    return f"article-{pk}"


def subject_key(kind: str, pk) -> str:
    """``kind`` is ``category``, ``tag`` or ``author``."""
    return f"{kind}-{pk}"


def archive_keys(moment) -> list[str]:
    """The archive pages (month and year, Tokyo time) that list an article published at ``moment``."""
    if moment is None:
        return []
    local = timezone.localtime(moment)
    return [f"archive-{local.year}", f"archive-{local.year}-{local.month:02d}"]


# The copies stored to speed reader pages up, by the names READER_COPIES_OFF takes.
RENDERING = "rendering"  # each article's sanitised body (Article.rendered_html)
CARDS = "cards"  # each article's list card (articles.cards)
FURNITURE = "furniture"  # each article page's authors, categories and tags (articles.furniture)
RELATED = "related"  # each article page's related ranking (articles.related)
LISTINGS = "listings"  # the category, tag and author lists' own indexes (CategoryListing …)
NEWEST = "newest"  # Category.newest_article, for home's featured list
COPIES = (RENDERING, CARDS, FURNITURE, RELATED, LISTINGS, NEWEST)


def copies_in_use(copy: str) -> bool:
    """Whether reader pages read ``copy`` (one of COPIES), or work out what it holds from
    the rows on every request.

    ``READER_COPIES`` off turns every copy off, ``READER_COPIES_OFF`` the ones it
    names. A copy turned off is neither read nor written, so a page shows exactly
    what its rows say: the property tests render their reference pages so
    (tests/articles/freshness_machine.py), and bench/reader_pages.py measures
    what each copy earns (docs/benchmarks.md).
    """
    return settings.READER_COPIES and copy not in settings.READER_COPIES_OFF


# --- What pages show ------------------------------------------------------------------------


def shown_by_cards(articles) -> set[str]:
    """The keys of a list of article cards (after articles.cards rendered them): each article,
    and the authors and categories its card names."""
    keys = set()
    for article in articles:
        keys.add(article_key(article.pk))
        keys.update(article.card_shows)
    return keys


def page_shows(request, keys) -> None:
    """Record that the page being rendered for ``request`` shows ``keys`` besides what its view
    named: for what the shared template shows on every page (the header's menu), so no view
    can forget it. articles.cache.cached_for_readers adds them to the page's keys."""
    request.shown_by_template = {*getattr(request, "shown_by_template", ()), *keys}


def shown_by_article_page(article, furniture, linked) -> set[str]:
    """An article's page: itself, its authors, categories and tags (named on it, and choosing
    its related articles), and every article it links to (previous, next, related)."""
    keys = {article_key(article.pk)}
    keys |= {subject_key("author", author.pk) for author in furniture.authors}
    keys |= {subject_key("category", category.pk) for category in furniture.categories}
    keys |= {subject_key("tag", tag.pk) for tag in furniture.tags}
    keys |= {article_key(other.pk) for other in linked if other is not None}
    return keys


# --- Events ---------------------------------------------------------------------------------


def forget(keys: Iterable[str]) -> None:
    """Forget every page that shows any of ``keys``, once the current transaction commits."""
    keys = sorted(set(keys))
    if not keys:
        return
    # Recorded in this transaction, purged from the front-end caches after it (retried).
    purge_after_commit(keys)
    transaction.on_commit(lambda: cache.stamp(keys), robust=True)


def content_changed(article_ids) -> None:
    """Live articles' own columns changed (an edit, a cover's renditions, a re-import)."""
    forget([*map(article_key, article_ids), SEARCH, FEEDS])


# More keys than this in one event (an import spanning years of the archive) forget every page:
# a purge header of thousands of keys would cost the front-end caches more than refilling.
MOST_KEYS = 2000


def article_row_saved(article, *, created, update_fields) -> None:
    """``article``'s row was saved (Article.save() writes nothing else).

    The listings and its categories' newest article follow its stage and date;
    which pages that changes is reported by the workflow verbs, the scheduler
    and the importer (went_live_or_came_down), which know why it moved.
    """
    from .models import Article, refresh_live_copies

    if created and article.status != Article.Status.PUBLISHED:
        return  # a new article that is not live has no copies yet (an import adds thousands)
    if update_fields is None or {"status", "published_at"} & set(update_fields):
        refresh_live_copies([article.pk])


def went_live_or_came_down(article_ids) -> None:
    """The articles went live, came down, or moved in time (read as they are now, in the
    transaction that changed them).

    Pages that showed them carry their keys. Pages that should show them now:
    the lists of their subjects, the timeline's pages, their archive months,
    searches, and the article pages around them in time, whose previous, next
    and related articles are chosen among their neighbours.
    """
    from .models import Article

    articles = list(Article.objects.filter(pk__in=list(article_ids)).only("pk", "published_at"))
    if not articles:
        return
    subjects = subject_ids([article.pk for article in articles])
    keys = {TIMELINE, SEARCH, FEEDS}
    keys |= {subject_key(kind, pk) for kind, ids in subjects.items() for pk in ids}
    for article in articles:
        keys.add(article_key(article.pk))
        keys.update(archive_keys(article.published_at))
    around = neighbourhood(articles)
    keys.update(article_key(pk) for pk in around)
    _rank_related_again(around, subjects)
    forget(keys if len(keys) <= MOST_KEYS else [EVERYTHING])


def neighbourhood(articles) -> set[int]:
    """The live articles among which the pages of ``articles``' neighbours choose their
    previous, next and related articles: as many on either side of them, in
    ``(published_at, id)`` order, as articles.related looks at, and every one between."""
    from .models import Article
    from .related import RELATED_NEIGHBOURHOOD

    placed = sorted((article.published_at, article.pk) for article in articles if article.published_at)
    if not placed:
        return set()
    (first_at, first_pk), (last_at, last_pk) = placed[0], placed[-1]
    live = Article.objects.published()
    before = Q(published_at__lt=first_at) | Q(published_at=first_at, pk__lt=first_pk)
    after = Q(published_at__gt=last_at) | Q(published_at=last_at, pk__gt=last_pk)
    earlier = live.filter(before).order_by("-published_at", "-pk").values_list("pk", flat=True)
    later = live.filter(after).order_by("published_at", "pk").values_list("pk", flat=True)
    between = live.exclude(before).exclude(after).values_list("pk", flat=True)[: MOST_KEYS + 1]
    return {*earlier[:RELATED_NEIGHBOURHOOD], *later[:RELATED_NEIGHBOURHOOD], *between}


def subject_ids(article_ids) -> dict[str, set[int]]:
    """{"author": ids, "category": ids, "tag": ids} of the articles, as their rows are now."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    from .models import Article, ArticleAuthor

    ids = list(article_ids)
    return {
        "author": set(ArticleAuthor.objects.filter(article_id__in=ids).values_list("author_id", flat=True)),
        "category": set(
            Article.categories.through.objects.filter(article_id__in=ids).values_list(
                "category_id", flat=True
            )
        ),
        "tag": set(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article), object_id__in=ids
            ).values_list("tag_id", flat=True)
        ),
    }


def _rank_related_again(article_ids, subjects) -> None:
    """Drop the stored related ranking (articles.related) of the ``article_ids`` (None: of
    every article) that share a category or tag of ``subjects`` with what moved: it may
    now belong among them, or no longer."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    from .models import Article

    sharing = Q(
        pk__in=Article.categories.through.objects.filter(category_id__in=subjects["category"]).values(
            "article_id"
        )
    ) | Q(
        pk__in=TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), tag_id__in=subjects["tag"]
        ).values("object_id")
    )
    ranked = Article.objects.filter(related_at__isnull=False)
    if article_ids is not None:
        ranked = ranked.filter(pk__in=list(article_ids))
    ranked.filter(sharing).update(related_at=None)


def links_changed(article, kind: str, subject_ids) -> None:
    """An article joined or left the ``kind`` subjects ``subject_ids``: its own page and cards
    name them, and their lists hold it. Nothing a reader sees while it is not live."""
    if article.live_since is None:
        return
    subject_ids = list(subject_ids)
    # The articles around it that share the subject rank their related articles again, and
    # their pages carry the subject's key (shown_by_article_page), so they are forgotten too.
    _rank_related_again(neighbourhood([article]), {"category": set(), "tag": set(), kind: subject_ids})
    keys = [article_key(article.pk), FEEDS, *(subject_key(kind, pk) for pk in subject_ids)]
    forget([*keys, FEATURED] if kind == "category" else keys)


def _subject_keys(kind: str, pk) -> list[str]:
    keys = [subject_key(kind, pk), FEEDS]
    return [*keys, CATEGORY_MENU] if kind == "category" else keys


def subject_changed(kind: str, pk) -> None:
    """A category, tag or author was added, renamed or edited (a category also in every
    page's header, whatever changed: the save does not say which columns did)."""
    forget(_subject_keys(kind, pk))


def subject_to_be_deleted(kind: str, pk) -> None:
    """A category, tag or author is about to be deleted (or merged away), its links still there.

    A category's links go without a signal of their own, so the stored related
    rankings that counted it are dropped here; a tag's links report themselves
    (links_changed) as they go.
    """
    _rank_related_again(None, {"category": set(), "tag": set(), kind: {pk}})
    forget(_subject_keys(kind, pk))


def article_to_be_deleted(article) -> set[str]:
    """``article`` is about to be deleted: drop the related rankings around it that may have
    counted it, and return the keys of its subjects and neighbours for article_deleted(),
    readable only while it is still there."""
    if article.live_since is None:
        return set()
    neighbours = neighbourhood([article]) - {article.pk}
    subjects = subject_ids([article.pk])
    _rank_related_again(neighbours, subjects)
    return {subject_key(kind, pk) for kind, ids in subjects.items() for pk in ids} | set(
        map(article_key, neighbours)
    )


def article_deleted(article, shown_with: set[str]) -> None:
    """``article`` is being deleted; ``shown_with`` are its subject and neighbour keys, read before."""
    forget(
        {article_key(article.pk), TIMELINE, SEARCH, FEEDS, *archive_keys(article.published_at), *shown_with}
    )


def everything_changed() -> None:
    """Rows were changed behind the app's back (the rebuild command): forget every page."""
    forget([EVERYTHING])
