"""Old Jekyll addresses: how they are keyed and recorded, and the 301 readers get from them."""

import http.client
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.legacy_urls import legacy_key, record_legacy_urls
from editorial.models import LegacyURL
from tests.factories import make_article
from tests.faults.services import free_port

OLD = "/2007/01/23/alt-shift-k-63743/"


@pytest.fixture
def live(author):
    article = make_article(title="公開中の旧記事", slug="alt-shift-k", authors=[author], published=True)
    record_legacy_urls(article, [OLD])
    return article


def legacy_queries(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response, [q["sql"] for q in queries.captured_queries if "editorial_legacyurl" in q["sql"]]


# --- The key -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/2007/01/23/alt-shift-k",
        "/2007/01/23/alt-shift-k/",
        "/2007/01/23/alt-shift-k.html",
        "/2007/01/23/alt-shift-k.htm",
        "/2007/01/23/alt-shift-k/index.html",
        "/2007/01/23/alt-shift-k/index",
        "/2007//01/23/alt-shift-k//",
    ],
)
def test_every_form_the_old_server_answered_has_one_key(path):
    assert legacy_key(path) == "/2007/01/23/alt-shift-k"


def test_case_is_kept_in_the_key():
    assert legacy_key("/Mastering-Paper/Drawing-Trees/") == "/Mastering-Paper/Drawing-Trees"
    assert legacy_key("/foo.HTML") == "/foo.HTML"  # the old server only wrote .html


@pytest.mark.parametrize("path", ["/", "/index.html", "", "index.html", "//"])
def test_the_site_root_s_key_is_a_slash(path):
    assert legacy_key(path) == "/"


def test_only_a_whole_index_segment_is_dropped():
    assert legacy_key("/reindex.html") == "/reindex"
    assert legacy_key("/ja/ニュース/index.html") == "/ja/ニュース"


# --- Recording -----------------------------------------------------------------------


def test_recording_replaces_the_article_s_addresses(live):
    assert record_legacy_urls(live, ["/new/place/", "/other.html"]) == []
    assert sorted(live.legacy_urls.values_list("path", "key")) == [
        ("/new/place/", "/new/place"),
        ("/other.html", "/other"),
    ]


def test_two_forms_of_one_address_are_one_row_the_first_kept(live):
    record_legacy_urls(live, ["/a/b.html", "/a/b/"])
    assert list(live.legacy_urls.values_list("path", flat=True)) == ["/a/b.html"]


def test_a_changed_form_of_the_same_address_updates_the_path(live):
    record_legacy_urls(live, ["/2007/01/23/alt-shift-k-63743.html"])
    assert list(live.legacy_urls.values_list("path", flat=True)) == ["/2007/01/23/alt-shift-k-63743.html"]


def test_an_address_another_article_has_stays_its_and_is_reported(live, author):
    other = make_article(title="後から来た記事", slug="later", authors=[author])
    clashes = record_legacy_urls(other, [OLD.rstrip("/") + ".html", "/mine/"])
    assert [(clash.path, clash.taken_by) for clash in clashes] == [
        ("/2007/01/23/alt-shift-k-63743.html", live)
    ]
    assert "公開中の旧記事" in clashes[0].message and f"ID {live.pk}" in clashes[0].message
    assert LegacyURL.objects.get(key="/2007/01/23/alt-shift-k-63743").article == live
    assert list(other.legacy_urls.values_list("path", flat=True)) == ["/mine/"]


def test_the_site_root_and_empty_paths_are_never_recorded(live):
    assert record_legacy_urls(live, ["/", "/index.html", ""]) == []
    assert not live.legacy_urls.exists()


def test_an_address_too_long_or_with_nul_is_reported_not_stored(live):
    clashes = record_legacy_urls(live, ["/" + "a" * 600, "/x\x00y.html"])
    assert len(clashes) == 2 and all(clash.taken_by is None for clash in clashes)
    assert "長すぎるか使えない文字" in clashes[0].message
    assert not live.legacy_urls.exists()


def test_deleting_the_article_deletes_its_old_addresses(live):
    live.delete()
    assert not LegacyURL.objects.exists()


def test_editors_see_the_old_addresses_on_the_article_page(client, live, editor):
    record_legacy_urls(live, [OLD, "/ja/<b>ニュース</b>/"])
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[live.pk])).content.decode()
    assert f"<div>{OLD}</div>" in page
    assert "<div>/ja/&lt;b&gt;ニュース&lt;/b&gt;/</div>" in page


# --- The redirect ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        OLD,
        OLD.rstrip("/"),
        OLD.rstrip("/") + ".html",
        OLD + "index.html",
        "/2007//01/23/alt-shift-k-63743/",
    ],
)
def test_a_live_article_s_old_address_is_a_permanent_redirect_in_every_form(client, live, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == "/articles/alt-shift-k/"


def test_head_is_redirected_too(client, live):
    assert client.head(OLD).status_code == 301


def test_post_to_an_old_address_stays_a_404(client, live):
    assert client.post(OLD).status_code == 404


def test_the_query_string_is_carried_over(client, live):
    response = client.get(OLD, {"utm_source": "旧サイト", "page": "2"})
    assert response.status_code == 301
    assert (
        response["Location"]
        == "/articles/alt-shift-k/?utm_source=%E6%97%A7%E3%82%B5%E3%82%A4%E3%83%88&page=2"
    )


def test_an_unencoded_question_mark_in_an_old_file_name_is_found(client, live):
    record_legacy_urls(live, ["/faq/why?.html"])
    assert client.get("/faq/why%3F.html")["Location"] == "/articles/alt-shift-k/"
    response = client.get("/faq/why?.html")  # the old site's link, "?" unencoded
    assert response["Location"] == "/articles/alt-shift-k/"


def test_japanese_addresses_match_encoded_or_not(client, live):
    record_legacy_urls(live, ["/ja/ニュース/2002/10/17/半導体の話/"])
    for path in ("/ja/ニュース/2002/10/17/半導体の話/", quote("/ja/ニュース/2002/10/17/半導体の話.html")):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == "/articles/alt-shift-k/"


def test_a_japanese_slug_is_sent_percent_encoded(client, author):
    article = make_article(title="日本語スラッグ", slug="日本語スラッグ", authors=[author], published=True)
    record_legacy_urls(article, ["/old/nihongo/"])
    assert client.get("/old/nihongo/")["Location"] == quote("/articles/日本語スラッグ/")


def test_case_counts_as_on_the_old_web_server(client, live):
    record_legacy_urls(live, ["/Mastering-Paper/Drawing-Trees/"])
    assert client.get("/Mastering-Paper/Drawing-Trees/").status_code == 301
    assert client.get("/mastering-paper/drawing-trees/").status_code == 404


def test_an_address_under_the_old_baseurl_is_found(client, live):
    record_legacy_urls(live, ["/blog/2007/01/23/alt-shift-k-63743/"])
    assert client.get("/blog/2007/01/23/alt-shift-k-63743.html").status_code == 301
    assert client.get(OLD).status_code == 404  # no longer one of its addresses


def test_a_current_page_is_never_shadowed_by_an_old_address(client, live):
    record_legacy_urls(live, ["/search/", OLD])
    assert client.get("/search/", {"q": "旧記事"}).status_code == 200


def test_an_old_address_that_is_now_an_unknown_article_slug_is_redirected(client, live):
    record_legacy_urls(live, ["/articles/old-slug/"])
    response = client.get("/articles/old-slug/")
    assert response.status_code == 301 and response["Location"] == "/articles/alt-shift-k/"


@pytest.mark.parametrize(
    "change",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.ARCHIVED},
        {"published_at": timezone.now() + timedelta(days=1)},  # published, but not yet live
    ],
)
def test_an_article_that_is_not_live_leaves_its_old_address_the_plain_404(client, live, change):
    unknown = "/2007/01/23/never-existed/"
    expected = client.get(unknown).content.replace(unknown.encode(), b"")
    Article.objects.filter(pk=live.pk).update(**change)
    response = client.get(OLD)
    assert response.status_code == 404 and "Location" not in response
    assert response.content.replace(OLD.encode(), b"") == expected  # the same page as for any address


def test_one_query_on_a_404_and_none_on_other_answers(client, live):
    _, queries = legacy_queries(client, "/2007/01/23/never-existed/")
    assert len(queries) == 1
    response, queries = legacy_queries(client, OLD)
    assert response.status_code == 301 and len(queries) == 1
    for path in ("/", live.get_absolute_url(), live.get_absolute_url()):  # the second is the stored page
        response, queries = legacy_queries(client, path)
        assert response.status_code == 200 and queries == [], path
    _, queries = legacy_queries(client, "/" + "a" * 3000)
    assert queries == []  # longer than any recorded key


def test_nul_and_broken_encodings_are_the_plain_404(client, live):
    for path in ("/x%00.html", "/%ff.html", "/a/%2500.html"):
        assert client.get(path).status_code == 404, path


def test_a_redirect_is_never_kept_by_the_readers_page_cache(client, live):
    record_legacy_urls(live, ["/category/old-category/"])
    assert client.get("/category/old-category/").status_code == 301
    assert client.get("/category/old-category/").status_code == 301
    Article.objects.filter(pk=live.pk).update(status=Article.Status.ARCHIVED)
    assert client.get("/category/old-category/").status_code == 404


# --- Through the real stack --------------------------------------------------------------------


def raw_request(server, method, path):
    connection = http.client.HTTPConnection(server.thread.host, server.thread.port, timeout=10)
    try:
        connection.request(method, path, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def test_a_running_server_redirects_old_addresses_as_they_arrive_on_the_wire(live_server, author):
    article = make_article(title="配信中", slug="haishin", authors=[author], published=True)
    record_legacy_urls(article, ["/ja/ニュース/2002/10/17/20021017/", "/Drawing-Trees/"])
    encoded = quote("/ja/ニュース/2002/10/17/20021017")
    assert raw_request(live_server, "GET", encoded + "/") == (301, "/articles/haishin/")
    assert raw_request(live_server, "GET", encoded + ".html?ref=x") == (301, "/articles/haishin/?ref=x")
    assert raw_request(live_server, "HEAD", "/Drawing-Trees/index.html") == (301, "/articles/haishin/")
    assert raw_request(live_server, "GET", "/drawing-trees/")[0] == 404


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_gives_a_503_not_a_404(live):
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = free_port()  # nothing listens there: as during a restart
    try:
        response = Client().get(OLD, headers={"x-forwarded-proto": "https"})
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503 and response["Retry-After"] == "10"


# --- The migration from ImportedSource.permalink ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_recorded_permalinks_and_back():
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("editorial", "0005_imported_permalink")],
        [("editorial", "0007_remove_importedsource_permalink")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        ImportedSource = apps.get_model("editorial", "ImportedSource")
        Article = apps.get_model("articles", "Article")
        first, second, third = (
            Article.objects.create(title=f"記事{n}", slug=f"article-{n}", body="本文。") for n in range(3)
        )
        ImportedSource.objects.create(
            article=first, source_key="a.md", permalink="/ja/ニュース/2024/05/01/a.html"
        )
        ImportedSource.objects.create(
            article=second, source_key="b.md", permalink="/ja/ニュース/2024/05/01/a/"
        )
        ImportedSource.objects.create(article=third, source_key="c.md", permalink="")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        rows = list(LegacyURL.objects.values_list("article_id", "path", "key"))
        # The column was not unique: the first article keeps an address two had.
        assert rows == [(first.pk, "/ja/ニュース/2024/05/01/a.html", "/ja/ニュース/2024/05/01/a")]
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        permalinks = apps.get_model("editorial", "ImportedSource").objects.order_by("source_key")
        assert list(permalinks.values_list("permalink", flat=True)) == [
            "/ja/ニュース/2024/05/01/a.html",
            "",
            "",
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
