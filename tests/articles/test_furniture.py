"""An article page's authors, categories and tags, read in one query."""

import pytest
from django.core.cache import cache
from taggit.models import Tag

from articles.furniture import furniture_of
from articles.models import Article, ArticleAuthor
from tests.factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


def test_authors_come_in_their_order_categories_in_the_sites_and_tags_by_name(django_assert_num_queries):
    first, second = make_author(name="二番目に登録", slug="b"), make_author(name="一番目に登録", slug="a")
    later, earlier = (
        make_category(name="後", slug="later", position=2),
        make_category(name="先", slug="earlier"),
    )
    article = make_article(title="並び", categories=[later, earlier], tags=["zeta", "alpha", "半導体"])
    ArticleAuthor.objects.create(article=article, author=first, position=1)
    ArticleAuthor.objects.create(article=article, author=second, position=0)
    with django_assert_num_queries(1):
        furniture = furniture_of(article)
    assert [author.name for author in furniture.authors] == ["一番目に登録", "二番目に登録"]
    assert [category.slug for category in furniture.categories] == ["earlier", "later"]
    assert [tag.name for tag in furniture.tags] == ["alpha", "zeta", "半導体"]
    assert furniture.authors[0].get_absolute_url() == second.get_absolute_url()
    assert sorted(furniture.category_ids) == sorted([later.pk, earlier.pk])


def test_an_article_with_nothing_around_it_has_empty_furniture():
    furniture = furniture_of(make_article(title="何もない"))
    assert (furniture.authors, furniture.categories, furniture.tags) == ([], [], [])


def test_only_this_articles_links_are_read(author, category):
    mine = make_article(title="自分", authors=[author], categories=[category], tags=["AI"])
    make_article(title="他人", authors=[make_author(name="他の人", slug="other")], tags=["金利"])
    furniture = furniture_of(mine)
    assert [a.name for a in furniture.authors] == [author.name]
    assert [t.name for t in furniture.tags] == ["AI"]


def page_furniture(client, article):
    cache.clear()  # this is about the stored furniture, not the page cache
    furniture = client.get(article.get_absolute_url()).context["furniture"]
    return (
        [a.name for a in furniture.authors],
        [c.name for c in furniture.categories],
        [t.name for t in furniture.tags],
    )


def test_the_page_stores_its_furniture_and_every_change_to_it_reaches_the_page(author, category, client):
    article = make_article(title="家具", authors=[author], categories=[category], tags=["AI"], published=True)
    assert page_furniture(client, article) == ([author.name], [category.name], ["AI"])
    assert Article.objects.get(pk=article.pk).furniture is not None
    author.name = "改名した著者"
    author.save()
    assert page_furniture(client, article)[0] == ["改名した著者"]
    category.name = "改名したカテゴリー"
    category.save()
    assert page_furniture(client, article)[1] == ["改名したカテゴリー"]
    tag = Tag.objects.get(name="AI")
    tag.name = "人工知能"
    tag.save()
    assert page_furniture(client, article)[2] == ["人工知能"]
    article.tags.add("半導体")
    assert page_furniture(client, article)[2] == ["人工知能", "半導体"]
    article.tags.remove("人工知能")
    assert page_furniture(client, article)[2] == ["半導体"]
    guest = make_author(name="寄稿者", slug="guest")
    ArticleAuthor.objects.create(article=article, author=guest, position=1)
    assert page_furniture(client, article)[0] == ["改名した著者", "寄稿者"]
    markets = make_category(name="マーケット", slug="markets")
    article.categories.set([markets])
    assert page_furniture(client, article)[1] == ["マーケット"]
    markets.delete()
    assert page_furniture(client, article)[1] == []
    Tag.objects.get(name="半導体").delete()
    assert page_furniture(client, article)[2] == []
