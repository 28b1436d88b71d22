"""Published articles and their change form, as the tests of pending versions use them."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from editorial import pending
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article

LIVE_BODY = "公開中の本文です。読者が今読んでいる内容。"


def make_live_article(writer, category):
    """A published article by ``writer``, published two days ago."""
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        return make_article(
            title="公開中のタイトル",
            body=LIVE_BODY,
            excerpt="公開中の抜粋。",
            tags=["AI"],
            authors=[writer.author_profile],
            categories=[category],
            published=True,
        )


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def pending_form_data(article, **overrides):
    """The change form as a browser sends it once a pending version is shown:
    its byline as new rows (see ArticleAdmin.get_formset_kwargs)."""
    proposed = pending.pending_of(article)
    data = change_form_data(
        article,
        title=proposed.title,
        slug=proposed.slug,
        body=proposed.body,
        excerpt=proposed.excerpt,
        cover_alt=proposed.cover_alt,
        categories=[str(pk) for pk in proposed.categories],
        tags=", ".join(proposed.tags),
    )
    for key in [key for key in data if key.startswith("article_authors-")]:
        del data[key]
    data.update(
        {
            "article_authors-TOTAL_FORMS": str(len(proposed.authors)),
            "article_authors-INITIAL_FORMS": "0",
            "article_authors-MIN_NUM_FORMS": "1",
            "article_authors-MAX_NUM_FORMS": "1000",
        }
    )
    for index, author_id in enumerate(proposed.authors):
        data[f"article_authors-{index}-author"] = str(author_id)
        data[f"article_authors-{index}-position"] = str(index)
    data.update(overrides)
    return data


def save_in_admin(client, article, **overrides):
    article.refresh_from_db()
    data = (
        pending_form_data(article, **overrides)
        if pending.pending_of(article) is not None
        else change_form_data(article, **overrides)
    )
    return client.post(change_url(article), data)


def reader_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()
