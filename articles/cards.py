"""Article cards on lists, rendered once and stored on the article.

Rendering twenty cards (and fetching their authors and categories) was most
of a list page's work, on every request. Each article keeps the HTML of its
card (``card_html``) with a digest of what it was made from (``card_from``):
the card template and the article's own columns the card shows. A card is
used only while that digest matches, so any change to those columns, by
save() or by a queryset update, and any change to the template, renders it
afresh on its next list. What the digest cannot see, the names of its
authors and categories, is handled where they change: ``forget_cards()`` is
called by the signal handlers in articles/signals.py. Changes made behind
the app's back are found by rendering again (``cards_out_of_date()``, for the
``rebuild_reader_copies`` command).
"""

import hashlib
from functools import cache

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from .freshness import CARDS, copies_in_use, subject_key
from .models import Article, ArticleAuthor

CARD_TEMPLATE = "articles/_article_card.html"
# The columns a card shows; the rest of the article stays unread on lists.
SHOWN_ON_CARDS = (
    "title",
    "slug",
    "excerpt",
    "published_at",
    "reading_time",
    "cover",
    "cover_alt",
    "cover_renditions",
)


@cache
def template_fingerprint() -> str:
    return hashlib.sha256(get_template(CARD_TEMPLATE).template.source.encode()).hexdigest()


def card_digest(article) -> str:
    shown = [template_fingerprint(), str(article.pk)]
    shown += [str(getattr(article, field) or "") for field in SHOWN_ON_CARDS]
    return hashlib.sha256("\x1f".join(shown).encode()).hexdigest()


def rendered_cards(articles):
    """The HTML of each article's card, rendered and stored where the stored one is missing or stale."""
    articles = list(articles)
    if not copies_in_use(CARDS):
        _render(articles)
        return [mark_safe(article.card_html) for article in articles]
    digests = [card_digest(article) for article in articles]
    stale = [
        article for article, digest in zip(articles, digests, strict=True) if article.card_from != digest
    ]
    if stale:
        _render(stale)
        # Not through save(): no version or updated_at change for what is only its rendering.
        Article.objects.bulk_update(stale, ["card_html", "card_from", "card_shows"])
    return [mark_safe(article.card_html) for article in articles]  # our own template's output, escaped


def _render(articles) -> None:
    prefetch_related_objects(
        articles, Prefetch("article_authors", queryset=ArticleAuthor.authors_in_order()), "categories"
    )
    for article in articles:
        article.card_html = render_to_string(CARD_TEMPLATE, {"article": article})
        article.card_from = card_digest(article)
        article.card_shows = sorted(
            [subject_key("author", link.author_id) for link in article.article_authors.all()]
            + [subject_key("category", category.pk) for category in article.categories.all()]
        )


def cards_out_of_date(articles) -> list:
    """Of ``articles`` (instances), those with a stored card other than the card rendered
    now, each given its fresh card (``card_html``, ``card_from``, ``card_shows``), not stored.

    For what the digest cannot see: a name changed by a queryset update or by
    hand in the database. An article without a stored card is left alone; its
    first list renders one.
    """
    stored = [article for article in articles if article.card_from]
    before = {article.pk: (article.card_html, article.card_from, article.card_shows) for article in stored}
    _render(stored)
    return [
        article
        for article in stored
        if before[article.pk] != (article.card_html, article.card_from, article.card_shows)
    ]


def forget_cards(articles) -> None:
    """Have the cards of ``articles`` (a queryset) rendered again on their next list."""
    articles.update(card_from="")
