from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, refresh_live_copies
from editorial import scheduling, workflow
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
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    assert 'rel="next"' not in last.content.decode() and 'rel="prev"' in last.content.decode()
    assert client.get(reverse("articles:home"), {"page": 4}).status_code == 404
    assert client.get(reverse("articles:home"), {"page": "x"}).status_code == 404


def test_lists_never_count_the_whole_archive(author, category, client):
    make_article(title="記事", authors=[author], categories=[category], published=True)
    for url in (reverse("articles:home"), category.get_absolute_url()):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"page": 1}).status_code == 200
        assert not any("COUNT(" in query["sql"] for query in queries.captured_queries), url


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
    # page, authors, categories, storing the cards, one for the featured articles and one
    # for the header's categories: the same for 1 or 20.
    with django_assert_num_queries(6):
        response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    cache.clear()
    with django_assert_num_queries(3):  # the cards are stored now; the page, featured, header
        assert client.get(reverse("articles:home")).status_code == 200


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
    assert '<h2 id="はじめに">はじめに<a class="headerlink" href="#はじめに"' in html
    assert "<script>alert(1)" not in html
    assert "ALLFORCES編集部" in html and "投資分析" in html and "チップ" in html
    assert "1分で読めます" in html
    assert article.published_at.astimezone(timezone.get_current_timezone()).strftime("%Y年") in html


def test_article_page_query_count(published_article, author, category, client, django_assert_num_queries):
    make_article(
        title="一つ前",
        authors=[author],
        categories=[category],
        published=True,
        published_at=timezone.now() - timedelta(days=1),
    )
    # article, its authors, categories and tags (one query) and storing them, the
    # articles just before and just after (one query), the ranking of related articles
    # among them, storing that ranking, the header's categories
    with django_assert_num_queries(7):
        assert client.get(published_article.get_absolute_url()).status_code == 200
    cache.clear()
    # the article (with its stored authors, categories and tags); previous, next and the
    # stored related articles; the header's categories
    with django_assert_num_queries(3):
        assert client.get(published_article.get_absolute_url()).status_code == 200


def test_an_article_alone_in_its_time_asks_nothing_about_related_articles(
    published_article, client, django_assert_num_queries
):
    with django_assert_num_queries(6):  # no ranking to run, but the empty one is stored
        response = client.get(published_article.get_absolute_url())
    assert response.context["related_articles"] == []


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


# Author pages: only for authors with a live article (public_authors) ---------------------------


def author_addresses(author):
    return [
        reverse(f"articles:{name}", kwargs={"slug": author.slug})
        for name in ("author", "author_rss", "author_atom")
    ]


def in_sitemap(client, author):
    return author.get_absolute_url() in client.get(reverse("sitemap")).content.decode()


NOT_LIVE_YET = {
    "draft": {},
    "review": {"status": Article.Status.REVIEW},
    "scheduled": {"status": Article.Status.SCHEDULED, "publish_at": timedelta(hours=1)},
    "archived": {"status": Article.Status.ARCHIVED, "published_at": -timedelta(days=1)},
    "published with a time still ahead": {
        "status": Article.Status.PUBLISHED,
        "published_at": timedelta(hours=1),
    },
}


@pytest.mark.parametrize("stage", NOT_LIVE_YET)
def test_an_author_with_no_live_article_has_no_page_feed_or_sitemap_entry(stage, category, client):
    """Every staff member gets an author profile: its page would tell readers who works here."""
    author = make_author(name="入ったばかりの記者", slug="newcomer")
    fields = {name: timezone.now() + value if isinstance(value, timedelta) else value
              for name, value in NOT_LIVE_YET[stage].items()}  # fmt: skip
    make_article(title="まだ読めない記事", authors=[author], categories=[category], **fields)
    for url in author_addresses(author):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "入ったばかりの記者" not in response.content.decode(), url
    assert not in_sitemap(client, author)


def test_an_authors_page_comes_with_their_first_live_article_and_goes_with_their_last(
    ready_article, writer, editor, client, django_capture_on_commit_callbacks
):
    """Through the page cache: nothing cleared between the editor's verbs and the reader."""
    author = writer.author_profile
    assert [client.get(url).status_code for url in author_addresses(author)] == [404, 404, 404]
    assert not in_sitemap(client, author)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(ready_article, by=writer)
        workflow.approve(ready_article, by=editor)
    for url in author_addresses(author):
        assert ready_article.title in client.get(url).content.decode(), url
        assert client.get(url).context is None, url  # stored, and served from the page cache
    assert in_sitemap(client, author)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.archive(ready_article, by=editor)
    assert [client.get(url).status_code for url in author_addresses(author)] == [404, 404, 404]
    assert not in_sitemap(client, author)


def test_an_authors_page_comes_when_the_scheduler_publishes_their_first_article(
    ready_article, writer, editor, client, django_capture_on_commit_callbacks
):
    author = writer.author_profile
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(ready_article, by=writer)
        workflow.approve(ready_article, by=editor, publish_at=timezone.now() + timedelta(hours=1))
    assert [client.get(url).status_code for url in author_addresses(author)] == [404, 404, 404]
    client.get(reverse("articles:home"))  # stored before the article is live
    # Its time comes by the database's clock, and the scheduler's sweep publishes it.
    Article.objects.filter(pk=ready_article.pk).update(publish_at=Now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduling.publish_due() == 1
    assert [client.get(url).status_code for url in author_addresses(author)] == [200, 200, 200]
    assert in_sitemap(client, author)
    assert author.name in client.get(reverse("articles:home")).content.decode()


def test_an_author_taken_off_their_only_live_article_loses_their_stored_page(
    author, category, client, django_capture_on_commit_callbacks
):
    guest = make_author(name="寄稿者", slug="guest")
    article = make_article(title="共著の記事", authors=[author, guest], categories=[category], published=True)
    assert client.get(guest.get_absolute_url()).status_code == 200
    assert client.get(guest.get_absolute_url()).context is None  # stored
    with django_capture_on_commit_callbacks(execute=True):
        article.article_authors.get(author=guest).delete()  # what the admin's inline does
    assert client.get(guest.get_absolute_url()).status_code == 404
    assert client.get(author.get_absolute_url()).status_code == 200


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize("count", [10, 200])
def test_every_reader_page_runs_the_same_queries_for_10_or_200_articles(count, author, category, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_scheduled_articles

    # 200 live articles with authors, a category and tags, built in bulk.
    articles = make_scheduled_articles(
        count, at=timezone.now() - timedelta(days=1), author=author, category=category
    )
    # A minute apart, so the article page has neighbours in time (and related articles to rank).
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        status="published",
        published_at=Now() - (F("id") - articles[0].pk + 1) * Value(timedelta(minutes=1)),
    )
    refresh_live_copies([a.pk for a in articles])  # as the scheduler's batch publish does
    for article in articles[:5]:
        article.tags.set(["AI", "半導体"])
    urls = [
        reverse("articles:home"),
        category.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "ai"}),
        reverse("articles:archive_year", kwargs={"year": timezone.localtime().year}),
        articles[3].get_absolute_url(),  # ranks its related articles and stores the ranking
        articles[3].get_absolute_url(),  # reads the stored ranking
        reverse("articles:feed_rss"),
    ]
    counts = {"cards to render": [], "cards stored": []}
    for url in urls:
        for variant in counts:
            cache.clear()  # the page cache would hide this page's own cost
            if variant == "cards to render":
                Article.objects.update(card_from="")
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            counts[variant].append(len(queries))
    # The same for both sizes, and never more than 8 on any page.
    for variant, found in counts.items():
        assert max(found) <= 8, (variant, dict(zip(urls, found, strict=True)))
    assert counts == QUERY_COUNTS, counts


# Each page measured with nothing cached; with cards to render, a list also reads
# their authors and categories and stores the cards (3 more queries). Every page but the
# feed reads the categories for its header (one query).
QUERY_COUNTS = {
    "cards to render": [6, 6, 6, 6, 5, 7, 3, 4],
    "cards stored": [3, 3, 3, 3, 2, 3, 3, 4],
}


def test_page_ten_of_a_list_costs_what_page_one_does(author, category, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_scheduled_articles

    articles = make_scheduled_articles(
        200, at=timezone.now() - timedelta(days=1), author=author, category=category
    )
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        status="published", published_at=timezone.now()
    )
    refresh_live_copies([a.pk for a in articles])  # as the scheduler's batch publish does
    counts = []
    for page in (1, 10):
        cache.clear()  # neither page finds the other's cards or the header's menu kept
        with CaptureQueriesContext(connection) as queries:
            response = client.get(category.get_absolute_url(), {"page": page})
        assert len(response.context["articles"]) == 20
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_article_page_links_previous_next_and_related(author, category, client):
    now = timezone.now()
    older = make_article(
        title="古い記事",
        authors=[author],
        categories=[category],
        published=True,
        published_at=now - timedelta(days=3),
    )
    current = make_article(
        title="今の記事",
        authors=[author],
        categories=[category],
        tags=["AI", "半導体"],
        published=True,
        published_at=now - timedelta(days=2),
    )
    newer = make_article(
        title="新しい記事",
        authors=[author],
        tags=["AI", "半導体"],
        published=True,
        published_at=now - timedelta(days=1),
    )
    make_article(
        title="無関係な記事",
        authors=[author],
        tags=["金利"],
        published=True,
        published_at=now - timedelta(hours=1),
    )
    make_article(title="下書きの関連", authors=[author], categories=[category], tags=["AI"])
    response = client.get(current.get_absolute_url())
    assert (response.context["previous_article"].pk, response.context["previous_article"].title) == (
        older.pk,
        "古い記事",
    )
    assert response.context["next_article"].pk == newer.pk
    page = response.content.decode()
    assert f'rel="prev" href="{older.get_absolute_url()}"' in page
    assert f'rel="next" href="{newer.get_absolute_url()}"' in page
    # Two shared tags outrank one shared category; drafts and unrelated articles never appear.
    assert [link.pk for link in response.context["related_articles"]] == [newer.pk, older.pk]


def test_long_article_has_a_table_of_contents_and_an_updated_date(author, client):
    body = "\n\n".join(f"## 第{n}節\n\n本文です。" for n in range(1, 4))
    article = make_article(
        title="長い記事",
        body=body,
        authors=[author],
        published=True,
        published_at=timezone.now() - timedelta(days=1),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<nav class="toc" aria-label="目次">' in html and '<a href="#第2節">第2節</a>' in html
    assert "更新）" in html


@pytest.mark.parametrize(
    "first_published_before, shown",
    [(timedelta(days=30), True), (timedelta(hours=20), False), (timedelta(0), False)],
)
def test_a_republished_article_shows_its_first_publication_only_on_another_day(
    first_published_before, shown, author, client
):
    published_at = timezone.now() - timedelta(hours=1)
    first = published_at - first_published_before
    article = make_article(
        title="再公開の記事",
        authors=[author],
        published=True,
        published_at=published_at,
        first_published_at=first,
    )
    html = client.get(article.get_absolute_url()).content.decode()
    first_shown = (
        f'<span class="first-published">（初出 <time datetime="{timezone.localtime(first).isoformat()}">'
        f"{date_format(timezone.localtime(first), 'Y年n月j日')}</time>）</span>"
    )
    assert (first_shown in html) is shown
    assert ("初出" in html) is shown


def test_article_answers_conditional_get(published_article, client):
    first = client.get(published_article.get_absolute_url())
    assert first.status_code == 200 and first.has_header("Last-Modified")
    again = client.get(
        published_article.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]}
    )
    assert again.status_code == 304


def test_a_cached_article_answers_conditional_get_without_the_database(
    published_article, client, django_assert_num_queries
):
    first = client.get(published_article.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(
            published_article.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]}
        )
        cached = client.get(published_article.get_absolute_url())
    assert again.status_code == 304
    assert cached.status_code == 200 and cached.content == first.content
    assert cached["Last-Modified"] == first["Last-Modified"]


def test_editors_are_never_served_the_readers_cached_page(published_article, client, admin_user):
    client.get(published_article.get_absolute_url())  # cached for readers
    Article.objects.filter(pk=published_article.pk).update(title="編集者だけが見る題")
    client.force_login(admin_user)
    assert "編集者だけが見る題" in client.get(published_article.get_absolute_url()).content.decode()
    client.logout()
    assert "編集者だけが見る題" not in client.get(published_article.get_absolute_url()).content.decode()


def test_home_features_the_newest_article_of_each_category(author, category, client):
    from tests.factories import make_category

    markets = make_category(name="マーケット", slug="markets")
    make_article(
        title="古い分析",
        authors=[author],
        categories=[category],
        published=True,
        published_at=timezone.now() - timedelta(days=2),
    )
    new = make_article(title="新しい分析", authors=[author], categories=[category], published=True)
    market = make_article(title="相場の話", authors=[author], categories=[markets], published=True)
    make_article(title="下書きの相場", authors=[author], categories=[markets])
    response = client.get(reverse("articles:home"))
    # Categories in their editorial order (position, then name).
    featured = [(category, link.pk) for category, link in response.context["featured"]]
    assert featured == [(markets, market.pk), (category, new.pk)]


def test_anonymous_pages_are_cached_until_something_public_changes(author, client, django_assert_num_queries):
    from articles.cache import stamp
    from articles.freshness import article_key

    article = make_article(title="キャッシュ確認", authors=[author], published=True)
    client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url()).status_code == 200
    Article.objects.filter(pk=article.pk).update(title="直した題")
    stamp([article_key(article.pk)])  # what an edit of a live article does after commit
    assert "直した題" in client.get(article.get_absolute_url()).content.decode()


def test_lists_leave_bodies_and_search_columns_unread(author, category, client):
    make_article(
        title="長い記事", body="本文。" * 2000, authors=[author], categories=[category], published=True
    )
    for url in (reverse("articles:home"), category.get_absolute_url()):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        article_reads = [q["sql"] for q in queries.captured_queries if 'FROM "articles_article"' in q["sql"]]
        assert article_reads, url
        for sql in article_reads:
            assert '"articles_article"."body"' not in sql, url
            assert '"articles_article"."search_text"' not in sql, url


def test_an_article_saved_before_stored_renderings_is_filled_on_first_view(published_article, client):
    Article.objects.filter(pk=published_article.pk).update(rendered_html="", rendered_from="")
    html = client.get(published_article.get_absolute_url()).content.decode()
    stored = Article.objects.get(pk=published_article.pk)
    assert stored.has_stored_rendering and stored.rendered_html
    assert stored.rendered_html in html


def test_a_publish_re_renders_only_the_new_card_and_an_edit_only_its_own(author, category, client):
    from articles.cache import stamp
    from articles.freshness import TIMELINE, article_key

    def cards_rendered(response):
        return [template.name for template in response.templates].count("articles/_article_card.html")

    older = [
        make_article(title=f"既存の記事{n}", authors=[author], categories=[category], published=True)
        for n in range(3)
    ]
    assert cards_rendered(client.get(reverse("articles:home"))) == 3
    make_article(title="新しく公開した記事", authors=[author], categories=[category], published=True)
    stamp([TIMELINE])  # what the publish verb forgets, among other keys
    response = client.get(reverse("articles:home"))
    assert "新しく公開した記事" in response.content.decode()
    assert cards_rendered(response) == 1
    older[0].title = "直した見出し"
    older[0].save()
    stamp([article_key(older[0].pk)])
    response = client.get(reverse("articles:home"))
    assert "直した見出し" in response.content.decode() and "既存の記事0" not in response.content.decode()
    assert cards_rendered(response) == 1
