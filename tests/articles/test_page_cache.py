"""The readers' page cache, served before the session and authentication middleware."""

import pytest

from articles.cache import stamp
from articles.freshness import article_key
from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

# Headers that differ from one response to the next whatever is cached.
PER_RESPONSE = {"Date"}


def retitle_behind_the_caches_back(article, title):
    """Change what the page shows without bumping the listing version."""
    Article.objects.filter(pk=article.pk).update(title=title)


def test_a_stored_page_carries_every_header_the_fresh_one_did(client, published_article):
    fresh = client.get(published_article.get_absolute_url(), secure=True)
    stored = client.get(published_article.get_absolute_url(), secure=True)
    assert fresh.context is not None and stored.context is None  # the second was not rendered
    assert stored.content == fresh.content
    headers = {name: value for name, value in fresh.items() if name not in PER_RESPONSE}
    assert {name: value for name, value in stored.items() if name not in PER_RESPONSE} == headers
    for name in ("Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security", "Last-Modified"):
        assert name in headers, name


def test_stored_pages_get_todays_security_policy_not_the_one_they_were_stored_with(
    client, published_article, settings
):
    client.get(published_article.get_absolute_url())
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "img-src": ["'self'"]}
    settings.CONTENT_SECURITY_POLICY = policy
    stored = client.get(published_article.get_absolute_url())
    assert stored.context is None
    assert "img-src 'self';" in stored["Content-Security-Policy"] + ";"
    assert "https:" not in stored["Content-Security-Policy"]


def test_a_request_with_a_session_cookie_is_never_served_or_stored(client, published_article):
    client.get(published_article.get_absolute_url())  # stored for readers
    retitle_behind_the_caches_back(published_article, "セッションのある人だけが見る題")
    client.cookies["sessionid"] = "not-a-real-session"
    page = client.get(published_article.get_absolute_url()).content.decode()
    assert "セッションのある人だけが見る題" in page
    retitle_behind_the_caches_back(published_article, "二度目の題")
    assert "二度目の題" in client.get(published_article.get_absolute_url()).content.decode()
    del client.cookies["sessionid"]
    # Readers without a session still get the page stored before.
    assert "二度目の題" not in client.get(published_article.get_absolute_url()).content.decode()


def test_pages_not_marked_as_the_same_for_every_reader_are_never_stored(client, published_article):
    sitemap = "/sitemap.xml"
    assert client.get(sitemap).status_code == 200
    Article.objects.filter(pk=published_article.pk).update(slug="new-address")
    assert "/articles/new-address/" in client.get(sitemap).content.decode()


def test_a_not_found_page_is_not_stored(client, published_article):
    url = published_article.get_absolute_url()
    Article.objects.filter(pk=published_article.pk).update(status=Article.Status.ARCHIVED)
    assert client.get(url).status_code == 404
    Article.objects.filter(pk=published_article.pk).update(status=Article.Status.PUBLISHED)
    assert client.get(url).status_code == 200


def test_a_stamp_of_a_key_a_page_shows_reaches_it_and_no_other(client, published_article):
    elsewhere = make_category(name="別のカテゴリー", slug="elsewhere")
    other = make_article(title="別の記事", categories=[elsewhere], published=True)
    client.get(published_article.get_absolute_url())
    client.get(elsewhere.get_absolute_url())  # lists only the other article
    retitle_behind_the_caches_back(published_article, "公開後に直した題")
    retitle_behind_the_caches_back(other, "別の記事の新しい題")
    assert "公開後に直した題" not in client.get(published_article.get_absolute_url()).content.decode()
    stamp([article_key(published_article.pk)])  # what an edit of this live article does
    assert "公開後に直した題" in client.get(published_article.get_absolute_url()).content.decode()
    assert client.get(elsewhere.get_absolute_url()).context is None  # still stored: not shown there
    stamp(["all"])
    assert "別の記事の新しい題" in client.get(elsewhere.get_absolute_url()).content.decode()


def test_a_request_naming_another_allowed_host_does_not_change_what_the_next_reader_gets(
    client, published_article, settings
):
    settings.SITE_URL = "https://allforces.example"
    url = published_article.get_absolute_url()
    # Every port of an allowed name passes ALLOWED_HOSTS; this one stores the page.
    first = client.get(url, headers={"host": "127.0.0.1:6666"})
    assert first.context is not None
    reader = client.get(url)
    assert reader.context is None  # the stored copy
    assert reader.content == first.content
    page = reader.content.decode()
    assert "6666" not in page
    assert f'<link rel="canonical" href="https://allforces.example{url}">' in page


def test_a_host_not_allowed_is_refused_even_when_the_page_is_stored(client, published_article):
    url = published_article.get_absolute_url()
    client.get(url)
    assert client.get(url).context is None  # stored
    refused = client.get(url, headers={"host": "evil.example"})
    assert refused.status_code == 400
    assert "公開済みの記事" not in refused.content.decode()


@pytest.fixture
def three_pages(author, settings):
    settings.ARTICLES_PER_PAGE = 1
    for number in range(3):
        make_article(title=f"ページの記事{number}", authors=[author], published=True)


def test_leading_zeros_name_the_same_stored_page(client, three_pages):
    second = client.get("/", {"page": "2"})
    assert second.context["page_obj"].number == 2
    for spelling in ("02", "00000000002"):
        stored = client.get("/", {"page": spelling})
        assert stored.context is None, spelling  # page 2's copy, not rendered again
        assert stored.content == second.content, spelling


def test_page_numbers_that_share_a_prefix_are_not_one_stored_page(client, three_pages):
    first = client.get("/", {"page": "00000000001"})
    assert first.context["page_obj"].number == 1
    second = client.get("/", {"page": "00000000002"})
    assert second.context is not None and second.context["page_obj"].number == 2
    assert second.content != first.content


def test_shared_caches_are_told_to_keep_pages_only_where_the_app_can_purge_them(
    client, published_article, settings
):
    url = published_article.get_absolute_url()
    settings.FRONTEND_CACHE_PURGERS = []
    alone = client.get(url)
    assert "s-maxage" not in alone.get("Cache-Control", "") and "xkey" not in alone
    settings.FRONTEND_CACHE_PURGERS = ["varnish"]
    stamp([article_key(published_article.pk)])  # rendered again, now behind a purgeable cache
    behind_varnish = client.get(url)
    assert behind_varnish.context is not None
    assert "s-maxage=300" in behind_varnish["Cache-Control"]
    assert f"article-{published_article.pk}" in behind_varnish["xkey"].split()


def test_a_page_stored_in_another_releases_form_is_never_read(client, published_article, rf):
    """A rolling deploy runs two releases against one Redis: what one stored, the other
    must not try to read (the stored form changed in issue 14, and a reader got a 500)."""
    from django.core.cache import cache

    from articles.cache import PAGE_FORM, page_key

    key = page_key(rf.get(published_article.get_absolute_url()))
    assert key.startswith(f"page:{PAGE_FORM}:")
    # The release before stored (version, status, headers, content) under "page:<digest>".
    cache.set(key.replace(f"page:{PAGE_FORM}:", "page:"), (7, 200, [], b"old"))
    cache.set(key.replace(f"page:{PAGE_FORM}:", f"page:{PAGE_FORM - 1}:"), (7, 200, [], b"old"))
    page = client.get(published_article.get_absolute_url())
    assert page.status_code == 200 and page.context is not None  # rendered, not read


def test_on_redis_a_stored_page_costs_one_round_trip(client, published_article, monkeypatch):
    import redis

    client.get(published_article.get_absolute_url())
    commands = []
    send = redis.Redis.execute_command

    def counted(self, *args, **options):
        commands.append(args[0])
        return send(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    stored = client.get(published_article.get_absolute_url())
    assert stored.status_code == 200 and stored.context is None
    assert commands == ["EVALSHA"]  # one script: the clock, the page's keys and their stamps, and the page
