"""The content API for readers' apps, end to end: a real HTTP client against a live server,
through the real caches (Redis)."""

import base64
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from articles import cache as page_cache
from articles import freshness
from articles.links import absolute_url
from articles.models import Article
from editorial import pending, workflow
from tests.factories import make_article, make_author, make_category

ALL_SCOPES = [scope.value for scope in ApiToken.Scope]
NOT_LIVE = ["draft", "continuation", "review", "scheduled", "future", "archived"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def content(live_server):
    with httpx.Client(base_url=f"{live_server.url}/api/v1/content", timeout=30) as client:
        yield client


@pytest.fixture
def with_token(live_server, editor):
    _, secret = tokens.issue(name="読者アプリ", user=editor, scopes=ALL_SCOPES, by=None)
    with httpx.Client(
        base_url=f"{live_server.url}/api/v1/content",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    ) as client:
        yield client


def live(slug, minutes_ago=1, **fields):
    return make_article(
        title=fields.pop("title", f"公開記事 {slug}"),
        slug=slug,
        published=True,
        published_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def not_live(kind, **fields):
    """An article readers may not see, of ``kind`` (one of NOT_LIVE), titled to match a search for 秘密."""
    fields = {"title": f"秘密の記事 {kind}", "slug": f"hidden-{kind}", **fields}
    now = timezone.now()
    if kind == "future":  # published, but its time has not come
        return make_article(status=Article.Status.PUBLISHED, published_at=now + timedelta(days=1), **fields)
    if kind == "scheduled":
        return make_article(status=Article.Status.SCHEDULED, publish_at=now + timedelta(days=1), **fields)
    if kind == "archived":
        return make_article(status=Article.Status.ARCHIVED, published_at=now - timedelta(days=1), **fields)
    return make_article(status=kind, **fields)


def ids_of(response):
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["results"]]


def follow(client, next_url):
    parts = urlsplit(next_url)
    return client.get(parts.path.removeprefix("/api/v1/content") + "?" + parts.query)


def edit_and_publish(article, *, by, title):
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        pending.propose(locked, by=by, change=lambda values: values.update(title=title))
    pending.publish_pending(article, by=by)


class TestNothingUnpublished:
    def test_list_holds_only_live_articles_newest_first(self, content, with_token, category):
        older, newer = live("older", minutes_ago=10), live("newer", minutes_ago=5)
        for kind in NOT_LIVE:
            not_live(kind, categories=[category])
        for client in (content, with_token):
            assert ids_of(client.get("/articles")) == [newer.pk, older.pk]

    @pytest.mark.parametrize("kind", NOT_LIVE)
    def test_article_not_live_is_a_404_by_slug_and_by_id_whatever_the_token(self, kind, content, with_token):
        article = not_live(kind)
        for client in (content, with_token):
            for ident in (article.slug, article.pk):
                response = client.get(f"/articles/{ident}")
                assert response.status_code == 404
                assert response.json() == {"detail": "記事が見つかりません。"}

    def test_search_finds_no_article_that_is_not_live(self, content, with_token):
        shown = live("shown", title="秘密の記事 公開中")
        for kind in NOT_LIVE:
            not_live(kind)
        for client in (content, with_token):
            assert ids_of(client.get("/search", params={"q": "秘密"})) == [shown.pk]

    def test_an_invalid_token_changes_nothing(self, live_server):
        article = live("open")
        response = httpx.get(
            f"{live_server.url}/api/v1/content/articles/{article.slug}",
            headers={"Authorization": "Bearer afk_wrong_wrong"},
        )
        assert response.status_code == 200


class TestList:
    def test_pages_of_ten_walk_25_articles_without_duplicates_or_gaps(self, content):
        moment = timezone.now() - timedelta(hours=1)
        articles = [
            # Five share one moment across the first page's end: the id breaks the tie.
            make_article(
                title=f"記事 {n}",
                slug=f"article-{n}",
                published=True,
                published_at=moment if 7 <= n < 12 else moment - timedelta(minutes=n),
            )
            for n in range(25)
        ]
        expected = [a.pk for a in sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)]

        seen, response, pages = [], content.get("/articles", params={"limit": 10}), 0
        while True:
            seen += ids_of(response)
            pages += 1
            if response.json()["next"] is None:
                break
            response = follow(content, response.json()["next"])

        assert (pages, seen) == (3, expected)

    def test_filters_by_category_tag_author_and_dates(self, content, author):
        other = make_author(name="別の著者", slug="someone")
        economy = make_category(name="経済", slug="economy")
        now = timezone.localtime()
        old = live("old", minutes_ago=60 * 24 * 40, authors=[author], categories=[economy], tags=["半導体"])
        recent = live("recent", authors=[other], tags=["電力"])

        assert ids_of(content.get("/articles", params={"category": "economy"})) == [old.pk]
        assert ids_of(content.get("/articles", params={"tag": "電力"})) == [recent.pk]
        assert ids_of(content.get("/articles", params={"author": "someone"})) == [recent.pk]
        assert ids_of(content.get("/articles", params={"since": now.date().isoformat()})) == [recent.pk]
        until = (now - timedelta(days=30)).date().isoformat()
        assert ids_of(content.get("/articles", params={"until": until})) == [old.pk]
        assert ids_of(content.get("/articles", params={"category": "nobody-has-this"})) == []

    def test_items_name_their_authors_categories_and_tags(self, content, author, category):
        live("named", authors=[author], categories=[category], tags=["AI"])
        item = content.get("/articles").json()["results"][0]
        assert item["authors"] == [{"slug": author.slug, "name": author.name}]
        assert item["categories"] == [{"slug": category.slug, "name": category.name}]
        assert [tag["name"] for tag in item["tags"]] == ["AI"]

    @pytest.mark.parametrize(
        "params",
        [
            {"cursor": "not-a-cursor"},
            {"cursor": base64.urlsafe_b64encode(b'["2026-01-01T00:00:00", 3]').decode()},  # naive
            {"cursor": base64.urlsafe_b64encode(b'{"a": 1}').decode()},
            {"cursor": base64.urlsafe_b64encode(b'["2026-01-01T00:00:00+00:00", 1e400]').decode()},
            {
                "cursor": base64.urlsafe_b64encode(
                    b'["2026-01-01T00:00:00+00:00", 99999999999999999999]'
                ).decode()
            },
            {"cursor": base64.urlsafe_b64encode(b'["2026-01-01T00:00:00+00:00", true]').decode()},
            {"since": "2026-13-01"},
            {"until": "yesterday"},
            {"since": "2026-05-02", "until": "2026-05-01"},
            {"limit": "0"},
            {"limit": "x"},
            {"limit": "51"},
            {"limit": "²"},
            {"limit": "１０"},
            {"limit": "9" * 5000},
        ],
    )
    def test_bad_parameter_is_a_400_in_japanese(self, content, params):
        response = content.get("/articles", params=params)
        assert response.status_code == 400
        assert response.headers["Content-Type"].startswith("application/json")
        assert any("\u3040" <= character <= "\u30ff" for character in response.json()["detail"])

    def test_search_pages_through_every_result_once(self, content):
        for number in range(12):
            live(f"inference-{number}", minutes_ago=number + 1, title=f"推論チップの動向 その{number}")
        live("other", title="電力需要の行方")

        seen, url, pages = [], "/search?q=推論チップ&limit=5", 0
        while url:
            answer = content.get(url).json()
            pages += 1
            assert answer["page"] == pages and answer["count"] == 12
            seen += [result["slug"] for result in answer["results"]]
            url = answer["next"]
            if url:
                split = urlsplit(url)
                url = split.path.removeprefix("/api/v1/content") + "?" + split.query

        assert pages == 3
        assert sorted(seen) == sorted(f"inference-{number}" for number in range(12))

    @pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", "２", "201", "9" * 30])
    def test_a_bad_search_page_is_a_400_in_japanese(self, content, page):
        response = content.get("/search", params={"q": "推論", "page": page})
        assert response.status_code == 400
        assert "page は" in response.json()["detail"]

    def test_search_snippets_are_the_body_as_written_with_the_match_marked(self, content):
        live(
            "gpu-supply",
            title="GPU 特集：生成AIの計算資源",
            body="## 生成ＡＩの計算資源\n\n**Google** は *ＧＰＵ* を [自社設計のチップ](https://example.com) と併用します。",
        )
        (result,) = content.get("/search", params={"q": "gpu"}).json()["results"]
        assert (
            result["snippet"]
            == "生成ＡＩの計算資源 Google は <mark>ＧＰＵ</mark> を 自社設計のチップ と併用します。"
        )

    def test_search_without_words_is_a_400(self, content):
        response = content.get("/search", params={"q": "  "})
        assert response.status_code == 400
        assert "検索語" in response.json()["detail"]


class TestDetail:
    def test_detail_has_the_readers_rendering_and_address(self, content, author, category):
        article = live("detail", body="## 見出し\n\n本文です。<script>alert(1)</script>", authors=[author])
        article.categories.set([category])
        for ident in (article.slug, article.pk):
            found = content.get(f"/articles/{ident}").json()
            assert found["html"] == str(Article.objects.get(pk=article.pk).rendered_body)
            assert "<script>" not in found["html"]
            assert found["url"] == absolute_url(article.get_absolute_url())
            assert (found["title"], found["authors"][0]["slug"]) == (article.title, author.slug)
            assert found["categories"] == [{"slug": category.slug, "name": category.name}]
            assert found["published_at"] and found["updated_at"]


class TestCachedAndPurged:
    def test_etag_answers_304_and_changes_after_an_edit_is_published(self, content, editor):
        article = live("etag", title="最初のタイトル")
        etags = {}
        for path in (f"/articles/{article.slug}", "/articles"):
            first = content.get(path)
            assert first.headers["Cache-Control"] == "public, max-age=0"
            etags[path] = first.headers["ETag"]
            again = content.get(path, headers={"If-None-Match": etags[path]})
            assert again.status_code == 304

        edit_and_publish(article, by=editor, title="新しいタイトル")

        for path, etag in etags.items():
            response = content.get(path, headers={"If-None-Match": etag})
            assert response.status_code == 200
            assert "新しいタイトル" in response.text
            assert "最初のタイトル" not in response.text

    def test_archived_article_leaves_list_detail_and_search_at_once(self, content, editor):
        article = live("archived-now", title="消える記事")
        assert ids_of(content.get("/articles")) == [article.pk]
        assert content.get(f"/articles/{article.pk}").status_code == 200
        assert ids_of(content.get("/search", params={"q": "消える"})) == [article.pk]

        workflow.archive(article, by=editor)

        assert ids_of(content.get("/articles")) == []
        assert content.get(f"/articles/{article.pk}").status_code == 404
        assert ids_of(content.get("/search", params={"q": "消える"})) == []

    def test_answer_is_served_from_redis_until_an_event_forgets_what_it_shows(self, content):
        article = live("stored", title="保存された答え")
        assert content.get(f"/articles/{article.pk}").json()["title"] == "保存された答え"
        # Behind the app's back: no event, so the stored answer stands ...
        Article.objects.filter(pk=article.pk).update(title="裏で変えたタイトル")
        assert content.get(f"/articles/{article.pk}").json()["title"] == "保存された答え"
        assert content.get("/articles").json()["results"][0]["title"] == "裏で変えたタイトル"
        # ... until the event that reports it stamps the article's key.
        with transaction.atomic():
            freshness.content_changed([article.pk])
        assert content.get(f"/articles/{article.pk}").json()["title"] == "裏で変えたタイトル"

    def test_a_stored_reader_page_never_answers_for_the_api(self, content):
        # The API keeps its own answers, so the reader pages' middleware does not even look.
        article = live("own-store", title="APIの答え")
        request = RequestFactory().get(f"/api/v1/content/articles/{article.slug}")
        page_cache.store_page(
            page_cache.page_key(request),
            built=page_cache.clock(),
            shows=[page_cache.EVERYTHING],
            page=(200, [("Content-Type", "text/plain")], "読者ページの店".encode()),
        )
        assert content.get(f"/articles/{article.slug}").json()["title"] == "APIの答え"

    def test_a_newly_published_article_tops_the_stored_list(self, content, editor, writer, category):
        live("first")
        content.get("/articles")
        article = make_article(
            title="予約の記事", slug="due", status=Article.Status.SCHEDULED, publish_at=timezone.now()
        )
        workflow.publish(article, by=editor)
        assert ids_of(content.get("/articles"))[0] == article.pk

    def test_a_live_article_joining_a_category_enters_its_stored_list(self, content):
        economy = make_category(name="経済", slug="economy")
        member = live("member", minutes_ago=10, categories=[economy])
        joining = live("joining", minutes_ago=5)
        assert ids_of(content.get("/articles", params={"category": "economy"})) == [member.pk]

        joining.categories.add(economy)

        assert ids_of(content.get("/articles", params={"category": "economy"})) == [joining.pk, member.pk]

    def test_a_renamed_tag_is_seen_in_the_stored_list_and_detail(self, content):
        article = live("tagged", tags=["旧い名前"])
        for path in ("/articles", f"/articles/{article.pk}"):
            assert "旧い名前" in content.get(path).text

        tag = article.tags.get()
        tag.name = "新しい名前"
        tag.save()

        for path in ("/articles", f"/articles/{article.pk}"):
            assert "新しい名前" in content.get(path).text


def test_a_stored_detail_is_answered_without_sql(client, django_assert_num_queries):
    article = live("quick")
    first = client.get(f"/api/v1/content/articles/{article.pk}")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(f"/api/v1/content/articles/{article.pk}")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_with_front_end_purgers_an_answer_carries_the_pages_keys(client, settings):
    settings.FRONTEND_CACHE_PURGERS = ["varnish"]
    article = live("tagged-for-varnish")
    for _ in range(2):  # built, then stored
        response = client.get(f"/api/v1/content/articles/{article.pk}")
        assert f"article-{article.pk}" in response["xkey"].split()
        assert "s-maxage" in response["Cache-Control"]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "0001-01-01"},
        {"until": "9999-12-31"},
        {"category": "a\x00b"},
        {"tag": "a\x00b"},
        {"author": "a\x00b"},
        {"cursor": "\x00"},
    ],
)
def test_extreme_or_nul_parameter_is_never_a_500(content, params):
    live("extreme")
    response = content.get("/articles", params=params)
    assert response.status_code in (200, 400)
    assert "detail" in response.json() or "results" in response.json()


@pytest.mark.parametrize("ident", ["a%00b", "9" * 30, "9" * 5000, "²"])
def test_odd_identifier_is_a_404(content, ident):
    response = content.get(f"/articles/{ident}")
    assert response.status_code == 404
    assert response.json() == {"detail": "記事が見つかりません。"}


def test_search_with_nul_is_never_a_500(content):
    live("searchable", title="検索できる記事")
    assert content.get("/search", params={"q": "検索\x00"}).status_code == 200


def test_the_openapi_document_describes_what_each_answer_holds(live_server, content):
    """The schemas are written beside answers built by hand: they must name the same fields."""
    live("described", tags=["AI"])
    document = httpx.get(f"{live_server.url}/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]

    def fields(name):
        schema = schemas[name]
        properties = dict(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            properties |= fields(part["$ref"].rsplit("/", 1)[1])
        return set(properties)

    def described(path):
        ref = document["paths"][f"/api/v1/content{path}"]["get"]["responses"]["200"]["content"]
        return fields(ref["application/json"]["schema"]["$ref"].rsplit("/", 1)[1])

    listing = content.get("/articles").json()
    assert described("/articles") == set(listing)
    assert fields("ContentSummaryOut") == set(listing["results"][0])
    assert described("/articles/{ident}") == set(content.get("/articles/described").json())
    found = content.get("/search", params={"q": "公開記事"}).json()
    assert described("/search") == set(found)
    assert fields("SearchResultOut") == set(found["results"][0])
