from datetime import timedelta

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def test_home_lists_only_published_articles_newest_first(author, category, draft_article, client):
    older = make_article(
        title="古い記事", authors=[author], published=True, published_at=timezone.now() - timedelta(days=2)
    )
    newer = make_article(title="新しい記事", authors=[author], published=True)
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    assert list(response.context["articles"]) == [newer, older]
    assert "下書きの記事" not in response.content.decode()


@override_settings(ARTICLES_PER_PAGE=2)
def test_home_is_paginated(author, category, client):
    for number in range(5):
        make_article(title=f"記事{number}", authors=[author], categories=[category], published=True)
    first = client.get(reverse("articles:home"))
    last = client.get(reverse("articles:home"), {"page": 3})
    assert len(first.context["articles"]) == 2
    assert len(last.context["articles"]) == 1
    assert 'rel="next"' in first.content.decode()


def test_home_query_count_does_not_grow_with_articles(author, category, client, django_assert_num_queries):
    second_author = make_author(name="佐伯 遥")
    for number in range(10):
        make_article(
            title=f"記事{number}",
            authors=[author, second_author],
            categories=[category],
            tags=["AI"],
            published=True,
        )
    # count, page, authors, categories, tags: the same for 1 article or 20.
    with django_assert_num_queries(5):
        response = client.get(reverse("articles:home"))
    assert response.status_code == 200


def test_article_page_shows_sanitised_body_and_metadata(author, category, client):
    article = make_article(
        title="推論モデルの台頭",
        body="## はじめに\n\n本文<script>alert(1)</script>です。",
        authors=[author],
        categories=[category],
        tags=["AI", "チップ"],
        published=True,
    )
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert '<h1 class="article-title">推論モデルの台頭</h1>' in html
    assert '<h2 id="はじめに">はじめに</h2>' in html
    assert "<script>alert(1)" not in html
    assert "ALLFORCES編集部" in html and "投資分析" in html and "チップ" in html
    assert "1分で読めます" in html
    assert article.published_at.astimezone(timezone.get_current_timezone()).strftime("%Y年") in html


def test_article_page_query_count(published_article, client, django_assert_num_queries):
    # article, authors, categories, tags
    with django_assert_num_queries(4):
        assert client.get(published_article.get_absolute_url()).status_code == 200


def test_unpublished_article_is_a_404_even_for_staff(draft_article, client, admin_user):
    assert client.get(draft_article.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    assert client.get(draft_article.get_absolute_url()).status_code == 404


def test_future_published_article_is_a_404(author, client):
    article = make_article(
        title="まだ先", authors=[author], published=True, published_at=timezone.now() + timedelta(hours=1)
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_category_author_and_tag_pages_list_only_their_articles(author, category, client):
    other = make_author(name="別の著者")
    mine = make_article(title="対象", authors=[author], categories=[category], tags=["AI"], published=True)
    make_article(title="対象外", authors=[other], published=True)
    for url in (
        category.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "ai"}),
    ):
        response = client.get(url)
        assert list(response.context["articles"]) == [mine], url


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
