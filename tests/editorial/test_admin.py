import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def article_form_data(**overrides):
    data = {
        "title": "推論モデルの台頭",
        "slug": "",
        "body": "## はじめに\n\n" + "あ" * 600 + "。",
        "excerpt": "要約です。",
        "tags": "AI, チップ",
        "publish_at_0": "",
        "publish_at_1": "",
        "article_authors-TOTAL_FORMS": "1",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "1",
        "article_authors-MAX_NUM_FORMS": "1000",
        "article_authors-0-author": "",
        "article_authors-0-position": "0",
    }
    data.update(overrides)
    return data


def test_change_form_has_the_markdown_editor_with_live_preview(admin_client, published_article):
    response = admin_client.get(reverse("admin:articles_article_change", args=[published_article.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="markdownx"' in html
    assert 'data-markdownx-urls-path="/editorial/markdownx/markdownify/"' in html
    assert "markdownx/js/markdownx" in html
    assert "editorial/tag_suggest.js" in html
    assert "公開中" in html  # the stage, shown read-only


def test_adding_an_article_with_authors_categories_and_tags(admin_client, author, category):
    data = article_form_data(**{"article_authors-0-author": str(author.pk), "categories": [str(category.pk)]})
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    article = Article.objects.get()
    assert article.slug == "推論モデルの台頭"
    assert article.status == Article.Status.DRAFT
    assert article.ordered_authors == [author]
    assert list(article.categories.all()) == [category]
    assert sorted(article.tags.names()) == ["AI", "チップ"]
    assert article.reading_time == 2


def test_an_article_needs_an_author(admin_client):
    response = admin_client.post(reverse("admin:articles_article_add"), article_form_data())
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert "著者を1人以上指定してください。" in response.content.decode()


def test_status_cannot_be_set_through_the_form(admin_client, author):
    data = article_form_data(**{"article_authors-0-author": str(author.pk), "status": "published"})
    admin_client.post(reverse("admin:articles_article_add"), data)
    assert Article.objects.get().status == Article.Status.DRAFT


def test_duplicate_slug_is_refused_in_japanese(admin_client, author, published_article):
    data = article_form_data(**{"article_authors-0-author": str(author.pk), "slug": published_article.slug})
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "スラッグ を持った 記事 が既に存在します" in response.content.decode()


def test_change_list_columns_filters_and_search(admin_client, published_article, draft_article):
    url = reverse("admin:articles_article_changelist")
    html = admin_client.get(url).content.decode()
    for column in ("タイトル", "ステージ", "著者", "カテゴリー", "公開予定日時", "更新日時"):
        assert column in html
    found = admin_client.get(url, {"q": "下書き"})
    assert list(found.context["cl"].result_list) == [draft_article]
    filtered = admin_client.get(url, {"status__exact": "published"})
    assert list(filtered.context["cl"].result_list) == [published_article]


def test_change_list_query_count_does_not_grow(admin_client, author, category, django_assert_max_num_queries):
    for number in range(15):
        make_article(title=f"記事{number}", authors=[author], categories=[category])
    # 14: 12, the header's count of unread notifications, and the greeting naming an account with
    # no name by its author profile (editorial/people.py).
    with django_assert_max_num_queries(14):
        admin_client.get(reverse("admin:articles_article_changelist"))


def test_author_and_category_admin_pages(admin_client, author, category):
    assert admin_client.get(reverse("admin:articles_author_change", args=[author.pk])).status_code == 200
    assert admin_client.get(reverse("admin:articles_category_change", args=[category.pk])).status_code == 200
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "articleauthor", "field_name": "author", "term": "編集"},
    )
    assert [item["text"] for item in autocomplete.json()["results"]] == ["ALLFORCES編集部"]


def test_an_author_s_view_on_site_link_is_offered_only_while_their_page_exists(
    admin_client, author, category
):
    change = reverse("admin:articles_author_change", args=[author.pk])
    assert "viewsitelink" not in admin_client.get(change).content.decode()
    make_article(title="公開した記事", authors=[author], categories=[category], published=True)
    page = admin_client.get(change).content.decode()
    assert f'<a href="{author.get_absolute_url()}" class="viewsitelink">' in page
