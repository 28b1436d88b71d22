"""Previous and next, read live in the order (published_at, id); related articles, ranked among
neighbours in time, the ranking stored for a day."""

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
    assert stored.related_at is not None and len(stored.related_ids) == 2
    cache.clear()
    with django_assert_num_queries(3):  # the article with its furniture, its stored links, the header
        response = client.get(current.get_absolute_url())
    assert [link.title for link in response.context["related_articles"]] == ["二つ共通", "一つ共通"]
    # An article nearby that comes to share its tags is ranked in at once (articles.freshness),
    # ties newest first.
    published("後から公開", days_ago=4, tags=["AI", "半導体"])
    assert related_on_page(client, current) == ["二つ共通", "後から公開", "一つ共通"]


def test_a_stored_ranking_is_worked_out_again_after_a_day(client, current):
    published("二つ共通", days_ago=3, tags=["AI", "半導体"])
    assert related_on_page(client, current) == ["二つ共通"]
    # Changed behind the app's back: no event drops the stored ranking, its age does.
    Article.objects.filter(title="二つ共通").update(title="書き換え")
    Article.objects.filter(pk=current.pk).update(related_ids=[])
    assert related_on_page(client, current) == []
    with time_machine.travel(timezone.now() + KEPT_FOR + timedelta(minutes=1)):
        assert related_on_page(client, current) == ["書き換え"]


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
    assert Article.objects.get(pk=current.pk).related_ids  # still the stored one: not ranked again


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


def titles_walked(client, start, side):
    """The titles a reader meets following ``side`` ("previous_article" or "next_article") from ``start``."""
    titles, link = [], start
    while link is not None:
        assert len(titles) <= Article.objects.count(), titles  # a loop, not a walk
        titles.append(link.title)
        cache.clear()  # each page rendered, not served from the page cache
        response = client.get(link.get_absolute_url())
        assert response.status_code == 200
        link = response.context[side]
    return titles


def test_articles_published_in_one_scheduler_batch_are_each_reachable_by_previous_and_next(client, author):
    published("前の記事", days_ago=1)
    make_scheduled_articles(3, at=timezone.now() - timedelta(minutes=1), author=author)
    assert scheduling.publish_due() == 3
    batch = list(Article.objects.filter(title__startswith="予約記事").order_by("pk"))
    assert len({article.published_at for article in batch}) == 1  # one batch, one time
    last = make_article(title="後の記事", published=True, published_at=timezone.now())
    in_order = ["前の記事", *(article.title for article in batch), "後の記事"]
    assert titles_walked(client, Article.objects.get(title="前の記事"), "next_article") == in_order
    assert titles_walked(client, last, "previous_article") == in_order[::-1]


def test_walking_next_from_the_oldest_meets_every_live_article_once_and_previous_the_reverse(client):
    now = timezone.now()
    same = now - timedelta(hours=2)
    # Ids deliberately out of step with the times, three articles sharing one time, and
    # everything a reader may not see in between.
    for title, at in [
        ("三番目 (b)", same),
        ("最後", now - timedelta(minutes=1)),
        ("最初", now - timedelta(days=3)),
    ]:
        make_article(title=title, published=True, published_at=at)
    make_article(title="下書き", published_at=same)
    make_article(title="アーカイブ", status=Article.Status.ARCHIVED, published_at=same)
    make_article(title="予約中", status=Article.Status.SCHEDULED, publish_at=same)
    make_article(title="まだ先", published=True, published_at=now + timedelta(hours=1))
    for title in ("三番目 (c)", "三番目 (d)"):
        make_article(title=title, published=True, published_at=same)
    make_article(title="二番目", published=True, published_at=now - timedelta(days=1))
    live = ["最初", "二番目", "三番目 (b)", "三番目 (c)", "三番目 (d)", "最後"]
    assert titles_walked(client, Article.objects.get(title="最初"), "next_article") == live
    assert titles_walked(client, Article.objects.get(title="最後"), "previous_article") == live[::-1]


def test_a_publish_beside_an_article_costs_its_page_no_ranking_again(
    client, current, django_assert_num_queries
):
    published("前の記事", days_ago=3, tags=["AI"])
    assert links_on_page(client, current) == ("前の記事", None)  # ranked and stored
    following = published("次の記事", days_ago=1)
    cache.clear()
    # The article with its furniture; previous, next and the stored ranking in one query; the header.
    with django_assert_num_queries(3):
        response = client.get(current.get_absolute_url())
    assert response.context["next_article"].pk == following.pk
