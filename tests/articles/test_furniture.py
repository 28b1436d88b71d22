"""An article page's authors, categories and tags, read in one query."""

import pytest

from articles.furniture import furniture_of
from articles.models import ArticleAuthor
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
