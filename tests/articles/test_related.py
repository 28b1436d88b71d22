"""Related articles: ranked among neighbours in time, the ranking stored for a day."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from articles.related import KEPT_FOR
from editorial import scheduling, workflow
from tests.factories import make_article, make_scheduled_articles

pytestmark = pytest.mark.django_db


def related_on_page(client, article):
    cache.clear()  # this is about the stored ranking, not the page cache
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return [link.title for link in response.context["related_articles"]]


@pytest.fixture
def current(author):
    return make_article(
        title="今の記事",
        authors=[author],
        tags=["AI", "半導体"],
        published=True,
        published_at=timezone.now() - timedelta(days=2),
    )


def published(title, *, days_ago, tags=(), author=None):
    return make_article(
        title=title,
        authors=[author] if author else [],
        tags=tags,
        published=True,
        published_at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_ranking_is_stored_and_reused_without_ranking_again(client, current, django_assert_num_queries):
    published("二つ共通", days_ago=3, tags=["AI", "半導体"])
    published("一つ共通", days_ago=1, tags=["AI"])
    published("共通なし", days_ago=1, tags=["金利"])
    assert related_on_page(client, current) == ["二つ共通", "一つ共通"]
    stored = Article.objects.get(pk=current.pk)
    assert stored.neighbours_at is not None and len(stored.neighbours["related"]) == 2
    # A new article sharing both tags, not next to this one in time, is not ranked in
    # until the stored ranking is renewed.
    published("後から公開", days_ago=4, tags=["AI", "半導体"])
    cache.clear()
    with django_assert_num_queries(2):  # the article with its furniture, its stored links
        response = client.get(current.get_absolute_url())
    assert [link.title for link in response.context["related_articles"]] == ["二つ共通", "一つ共通"]
    with time_machine.travel(timezone.now() + KEPT_FOR + timedelta(minutes=1)):
        assert related_on_page(client, current) == [
            "二つ共通",
            "後から公開",
            "一つ共通",
        ]  # ties: newest first


def test_changing_the_articles_own_tags_ranks_again_at_once(client, current):
    published("AI の記事", days_ago=3, tags=["AI"])
    published("金利の記事", days_ago=1, tags=["金利"])
    assert related_on_page(client, current) == ["AI の記事"]
    current.tags.set(["金利"])
    assert related_on_page(client, current) == ["金利の記事"]


def test_an_article_taken_down_leaves_the_stored_ranking_at_once(client, current):
    gone = published("取り下げる記事", days_ago=3, tags=["AI"])
    published("残る記事", days_ago=1, tags=["AI"])
    assert related_on_page(client, current) == ["残る記事", "取り下げる記事"]
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.ARCHIVED)
    page_titles = related_on_page(client, current)
    assert page_titles == ["残る記事"]
    assert Article.objects.get(pk=current.pk).neighbours  # still the stored one: not ranked again


def test_drafts_are_never_related(client, current):
    make_article(title="下書きの記事", tags=["AI", "半導体"])
    published("公開済み", days_ago=1, tags=["AI"])
    assert related_on_page(client, current) == ["公開済み"]


def links_on_page(client, article):
    cache.clear()
    response = client.get(article.get_absolute_url())
    previous, following = response.context["previous_article"], response.context["next_article"]
    return previous and previous.title, following and following.title


def test_previous_and_next_follow_every_publish_and_take_down_at_once(client, current, editor, author):
    older = published("前の記事", days_ago=3)
    assert links_on_page(client, current) == ("前の記事", None)  # stored now
    newer = published("次の記事", days_ago=1)
    assert links_on_page(client, current) == ("前の記事", "次の記事")
    assert links_on_page(client, older) == (None, "今の記事")
    workflow.archive(newer, by=editor)
    assert links_on_page(client, current) == ("前の記事", None)
    due = make_scheduled_articles(1, at=timezone.now() - timedelta(minutes=1), author=author)[0]
    assert scheduling.publish_due() == 1  # the scheduler's batch publish, a queryset update
    due.refresh_from_db()
    assert links_on_page(client, current)[1] == due.title


def test_a_stored_link_to_an_article_taken_down_behind_the_workflows_back_is_dropped(client, current):
    newer = published("次の記事", days_ago=1)
    assert links_on_page(client, current) == (None, "次の記事")
    Article.objects.filter(pk=newer.pk).update(status=Article.Status.ARCHIVED)
    assert links_on_page(client, current) == (None, None)  # never a link to what is not live
