"""Category and author pages read a copy of when each article went live.

The copies (``CategoryListing`` rows, ``ArticleAuthor.live_since``) must
follow every way an article goes live, comes down or changes categories,
and a stale copy must never put an article that is not live on a page.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleAuthor, CategoryListing, TagListing, refresh_live_copies
from editorial import scheduling, workflow
from tests.factories import make_article, make_author, make_category, make_scheduled_articles

pytestmark = pytest.mark.django_db

S = Article.Status


def listed(client, subject):
    """The ids on ``subject``'s page, or None for a 404 (an author without a live article)."""
    cache.clear()  # this is about the listing, not the page cache (tested on its own)
    response = client.get(subject.get_absolute_url())
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return [article.pk for article in response.context["articles"]]


def copies_of(article):
    article.refresh_from_db()
    categories = set(CategoryListing.objects.filter(article=article).values_list("category_id", "live_since"))
    authors = set(ArticleAuthor.objects.filter(article=article).values_list("author_id", "live_since"))
    return categories, authors


def test_publishing_and_archiving_through_the_workflow_move_the_article_on_and_off_the_pages(
    ready_article, editor, writer, category, client
):
    author = writer.author_profile
    assert listed(client, category) == [] and listed(client, author) is None
    workflow.submit(ready_article, by=writer)
    workflow.approve(ready_article, by=editor)  # no time set: published at once
    ready_article.refresh_from_db()
    assert ready_article.status == S.PUBLISHED
    assert copies_of(ready_article) == (
        {(category.pk, ready_article.published_at)},
        {(author.pk, ready_article.published_at)},
    )
    assert listed(client, category) == [ready_article.pk] and listed(client, author) == [ready_article.pk]

    workflow.archive(ready_article, by=editor)
    assert copies_of(ready_article) == (set(), {(author.pk, None)})
    assert listed(client, category) == [] and listed(client, author) is None


def test_the_schedulers_batch_publish_copies_the_time_it_went_live(author, category, client):
    due = make_scheduled_articles(
        3, at=timezone.now() - timedelta(minutes=1), author=author, category=category
    )
    assert CategoryListing.objects.count() == 0
    assert scheduling.publish_due() == 3
    for article in due:
        assert copies_of(article) == (
            {(category.pk, article.published_at)},
            {(author.pk, article.published_at)},
        )
    assert sorted(listed(client, category)) == sorted(article.pk for article in due)


def test_changing_a_live_articles_categories_either_way_changes_the_listing(author, client):
    first, second = make_category(slug="first"), make_category(slug="second")
    article = make_article(title="分類替え", authors=[author], categories=[first], published=True)
    assert listed(client, first) == [article.pk] and listed(client, second) == []

    article.categories.set([second])  # what the admin's form does
    assert listed(client, first) == [] and listed(client, second) == [article.pk]

    first.articles.add(article)  # from the category's side
    assert listed(client, first) == [article.pk]
    second.articles.remove(article)
    assert listed(client, second) == []
    first.articles.clear()
    assert listed(client, first) == []
    article.categories.add(second)
    article.categories.clear()
    assert CategoryListing.objects.filter(article=article).count() == 0


def test_a_draft_given_categories_and_authors_is_listed_nowhere(author, category, client):
    draft = make_article(title="下書き", authors=[author], categories=[category])
    assert copies_of(draft) == (set(), {(author.pk, None)})
    assert listed(client, category) == [] and listed(client, author) is None


def test_a_stale_copy_never_shows_an_article_that_is_not_live(author, category, client):
    """The copies only narrow the list: the articles themselves are still checked."""
    article = make_article(title="極秘", authors=[author], categories=[category], published=True)
    # Taken down behind the copies' back, as a hand-written UPDATE would.
    Article.objects.filter(pk=article.pk).update(status=S.ARCHIVED)
    assert CategoryListing.objects.filter(article=article).exists()
    assert ArticleAuthor.objects.get(article=article).live_since is not None
    assert listed(client, category) == [] and listed(client, author) is None
    for subject in (category, author):
        assert "極秘" not in client.get(subject.get_absolute_url()).content.decode()
    cache.clear()
    assert client.get(reverse("articles:home")).context["featured"] == []  # nor among the featured


def test_an_article_live_later_than_now_is_not_listed_yet(author, category, client):
    make_article(
        title="未来",
        authors=[author],
        categories=[category],
        published=True,
        published_at=timezone.now() + timedelta(hours=1),
    )
    assert listed(client, category) == [] and listed(client, author) is None


def test_every_page_of_a_category_and_an_author_matches_the_articles_own_order(author, settings, client):
    """Pages cut from the listing's index hold what the articles' date order gives, ties included."""
    settings.ARTICLES_PER_PAGE = 4
    other_author = make_author(name="他の著者", slug="other-author")
    category, other_category = make_category(slug="mine"), make_category(slug="not-mine")
    now = timezone.now()
    articles = make_scheduled_articles(23, at=now - timedelta(days=1), author=author, category=category)
    elsewhere = make_scheduled_articles(
        7, at=now - timedelta(days=2), author=other_author, category=other_category
    )
    for number, article in enumerate(articles + elsewhere):
        # Every third one shares its time with its neighbour: the id breaks the tie.
        Article.objects.filter(pk=article.pk).update(
            status=S.PUBLISHED, published_at=now - timedelta(hours=number - number % 3)
        )
    refresh_live_copies([article.pk for article in articles + elsewhere])
    for subject, lookup in ((category, "categories"), (author, "authors")):
        expected = list(
            Article.objects.published()
            .filter(**{lookup: subject})
            .order_by("-published_at", "-id")
            .values_list("pk", flat=True)
        )
        assert len(expected) == 23
        pages = []
        for number in range(1, 7):
            cache.clear()
            response = client.get(subject.get_absolute_url(), {"page": number})
            assert response.status_code == 200
            pages.append([article.pk for article in response.context["articles"]])
            assert response.context["page_obj"].has_next() == (number < 6)
        assert [pk for page in pages for pk in page] == expected
        assert client.get(subject.get_absolute_url(), {"page": 7}).status_code == 404


def tag_page(client, slug):
    cache.clear()
    response = client.get(reverse("articles:tag", kwargs={"slug": slug}))
    return [article.pk for article in response.context["articles"]] if response.status_code == 200 else None


def test_tag_changes_of_every_kind_reach_the_tag_listing(author, client):
    article = make_article(title="タグ替え", authors=[author], tags=["AI"], published=True)
    assert tag_page(client, "ai") == [article.pk]
    article.tags.add("半導体")
    assert tag_page(client, "半導体") == [article.pk]
    article.tags.remove("AI")
    assert tag_page(client, "ai") is None  # no live article has it: the tag page is a 404
    article.tags.set(["金利"])
    assert tag_page(client, "金利") == [article.pk] and tag_page(client, "半導体") is None
    # taggit's admin merges tags by saving each link with the tag it is merged into.
    link = TaggedItem.objects.get(object_id=article.pk)
    link.tag = Tag.objects.create(name="マクロ", slug="macro")
    link.save()
    assert tag_page(client, "macro") == [article.pk] and tag_page(client, "金利") is None
    article.tags.clear()
    assert TagListing.objects.filter(article=article).count() == 0


def test_a_tag_deleted_takes_its_listing_with_it(author, client):
    article = make_article(title="消えるタグ", authors=[author], tags=["消す"], published=True)
    Tag.objects.get(name="消す").delete()
    assert TagListing.objects.filter(article=article).count() == 0


def test_every_page_of_a_tag_matches_the_articles_own_order(author, settings, client):
    settings.ARTICLES_PER_PAGE = 4
    now = timezone.now()
    articles = make_scheduled_articles(13, at=now - timedelta(days=1), author=author)
    for number, article in enumerate(articles):
        Article.objects.filter(pk=article.pk).update(
            status=S.PUBLISHED, published_at=now - timedelta(hours=number - number % 3)
        )
        article.tags.set(["AI"] if number % 2 else ["AI", "金利"])
    refresh_live_copies([article.pk for article in articles])
    expected = list(
        Article.objects.published()
        .filter(pk__in=[article.pk for article in articles])
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)
    )
    pages = []
    for number in range(1, 5):
        cache.clear()
        response = client.get(reverse("articles:tag", kwargs={"slug": "ai"}), {"page": number})
        assert response.status_code == 200
        pages += [article.pk for article in response.context["articles"]]
    assert pages == expected


def test_every_page_of_home_and_an_archive_matches_the_articles_own_order(author, settings, client):
    """Their pages are cut from the date index's ids alone, ties broken by id as the articles are."""
    settings.ARTICLES_PER_PAGE = 4
    now = timezone.now().replace(month=6, day=15)
    articles = make_scheduled_articles(11, at=now - timedelta(days=1), author=author)
    for number, article in enumerate(articles):
        Article.objects.filter(pk=article.pk).update(
            status=S.PUBLISHED, published_at=now - timedelta(hours=number - number % 3)
        )
    make_article(title="下書き", authors=[author])  # never in the list
    expected = list(Article.objects.published().order_by("-published_at", "-id").values_list("pk", flat=True))
    assert len(expected) == 11
    for url in (reverse("articles:home"), reverse("articles:archive_year", kwargs={"year": now.year})):
        pages = []
        for number in (1, 2, 3):
            cache.clear()
            response = client.get(url, {"page": number})
            assert response.status_code == 200, url
            pages += [article.pk for article in response.context["articles"]]
        assert pages == expected, url
        assert client.get(url, {"page": 4}).status_code == 404


def featured(client):
    cache.clear()
    return [
        (category.slug, article.title)
        for category, article in client.get(reverse("articles:home")).context["featured"]
    ]


def test_the_featured_newest_article_of_each_category_follows_every_change(author, editor, client):
    markets, tech = make_category(name="マーケット", slug="markets"), make_category(name="技術", slug="tech")
    older = make_article(
        title="古い記事",
        authors=[author],
        categories=[markets],
        published=True,
        published_at=timezone.now() - timedelta(days=2),
    )
    newer = make_article(title="新しい記事", authors=[author], categories=[markets], published=True)
    assert featured(client) == [("markets", "新しい記事")]
    workflow.archive(newer, by=editor)
    assert featured(client) == [("markets", "古い記事")]
    older.categories.set([tech])  # what the admin's form does
    assert featured(client) == [("tech", "古い記事")]
    tech.articles.clear()
    assert featured(client) == []
    older.categories.add(markets)
    assert featured(client) == [("markets", "古い記事")]
    older.delete()
    assert featured(client) == []
    due = make_scheduled_articles(1, at=timezone.now() - timedelta(minutes=1), author=author, category=tech)[
        0
    ]
    assert scheduling.publish_due() == 1
    due.refresh_from_db()
    assert featured(client) == [("tech", due.title)]
