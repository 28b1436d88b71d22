"""Content-API answers served from the store before sessions, authentication and routing
(api.stored), through Django's whole middleware stack and Redis."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from editorial import workflow
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CONTENT = "/api/v1/content"


def live(slug, **fields):
    return make_article(
        title=fields.pop("title", f"公開記事 {slug}"),
        slug=slug,
        published=True,
        published_at=timezone.now() - timedelta(minutes=1),
        **fields,
    )


def from_the_store(response) -> bool:
    """Whether ``response`` was answered before URL resolving and the session middleware: the
    view's request is resolved and has a session, a stored answer's never gets that far."""
    request = response.wsgi_request
    return request.resolver_match is None and not hasattr(request, "session")


def test_a_stored_detail_is_answered_before_the_view_without_sql(client, django_assert_num_queries):
    article = live("early")
    first = client.get(f"{CONTENT}/articles/{article.slug}")
    assert first.status_code == 200 and not from_the_store(first)
    with django_assert_num_queries(0):
        again = client.get(f"{CONTENT}/articles/{article.slug}")
    assert from_the_store(again)
    assert again.content == first.content
    assert dict(again.items()) == dict(first.items())
    assert again["Content-Type"] == "application/json"
    assert again["Cache-Control"] == "public, max-age=0"


@pytest.mark.parametrize("path", ["/articles", "/search?q=記事"])
def test_stored_lists_and_searches_are_answered_before_the_view(client, path):
    live("listed")
    first = client.get(CONTENT + path)
    again = client.get(CONTENT + path)
    assert first.status_code == 200 and not from_the_store(first)
    assert from_the_store(again) and again.content == first.content


def test_a_stored_answer_meets_a_conditional_get_with_304(client, django_assert_num_queries):
    article = live("conditional")
    etag = client.get(f"{CONTENT}/articles/{article.pk}")["ETag"]
    with django_assert_num_queries(0):
        again = client.get(f"{CONTENT}/articles/{article.pk}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and from_the_store(again)


def test_with_front_end_purgers_a_stored_answer_keeps_its_surrogate_keys(client, settings):
    settings.FRONTEND_CACHE_PURGERS = ["varnish"]
    article = live("surrogate")
    first = client.get(f"{CONTENT}/articles/{article.pk}")
    again = client.get(f"{CONTENT}/articles/{article.pk}")
    assert from_the_store(again)
    for name in ("xkey", "Surrogate-Key", "Cache-Tag", "Cache-Control"):
        assert again[name] == first[name]
    assert f"article-{article.pk}" in again["Surrogate-Key"].split()


def test_an_archive_forgets_the_stored_detail(client, editor, django_capture_on_commit_callbacks):
    article = live("edited", title="最初のタイトル")
    client.get(f"{CONTENT}/articles/{article.pk}")
    assert from_the_store(client.get(f"{CONTENT}/articles/{article.pk}"))

    with django_capture_on_commit_callbacks(execute=True):
        workflow.archive(article, by=editor)

    gone = client.get(f"{CONTENT}/articles/{article.pk}")
    assert gone.status_code == 404 and not from_the_store(gone)
    assert not from_the_store(client.get(f"{CONTENT}/articles/{article.pk}"))  # a 404 is not kept


def test_an_event_forgets_the_stored_list_it_shows(client, editor, django_capture_on_commit_callbacks):
    first = live("first")
    client.get(f"{CONTENT}/articles")
    article = make_article(title="新しい記事", slug="newer", status="scheduled", publish_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=editor)

    answer = client.get(f"{CONTENT}/articles")
    assert not from_the_store(answer)
    assert [item["id"] for item in answer.json()["results"]] == [article.pk, first.pk]


def test_parameters_no_answer_reads_do_not_multiply_the_copies(client):
    live("one")
    client.get(f"{CONTENT}/articles", {"junk": "1"})
    assert from_the_store(client.get(f"{CONTENT}/articles", {"junk": "2"}))
    assert from_the_store(client.get(f"{CONTENT}/articles"))


def test_each_parameter_an_answer_reads_names_its_own_copy(client):
    live("older")
    live("newer")
    assert len(client.get(f"{CONTENT}/articles", {"limit": "2"}).json()["results"]) == 2
    one = client.get(f"{CONTENT}/articles", {"limit": "1"})
    assert not from_the_store(one) and len(one.json()["results"]) == 1
    client.get(f"{CONTENT}/search", {"q": "公開記事"})
    assert not from_the_store(client.get(f"{CONTENT}/search", {"q": "公開記事", "page": "2"}))


@pytest.mark.parametrize("query", [{"limit": "0"}, {"since": "昨日"}, {"cursor": "x"}])
def test_a_bad_parameter_is_a_400_every_time_and_never_stored(client, query):
    for _ in range(2):
        response = client.get(f"{CONTENT}/articles", query)
        assert response.status_code == 400 and not from_the_store(response)


def test_an_answer_built_for_an_editors_browser_is_not_stored(client, editor, settings):
    settings.FRONTEND_CACHE_PURGERS = ["varnish"]  # without them every answer is public alike
    article = live("private")
    client.force_login(editor)
    built = client.get(f"{CONTENT}/articles/{article.pk}")
    assert "private" in built["Cache-Control"]
    client.logout()
    after = client.get(f"{CONTENT}/articles/{article.pk}")
    assert not from_the_store(after) and "private" not in after["Cache-Control"]


def test_the_editorial_api_is_never_answered_from_the_store(client, editor):
    article = live("editorial")
    token, secret = tokens.issue(
        name="パイプライン", user=editor, scopes=[scope.value for scope in ApiToken.Scope], by=None
    )
    bearer = {"Authorization": f"Bearer {secret}"}
    for _ in range(2):
        answer = client.get(f"/api/v1/articles/{article.pk}", headers=bearer)
        assert answer.status_code == 200 and not from_the_store(answer)

    tokens.revoke(ApiToken.objects.filter(pk=token.pk))

    assert client.get(f"/api/v1/articles/{article.pk}", headers=bearer).status_code == 401


def test_a_host_not_allowed_is_refused_even_when_the_answer_is_stored(client):
    article = live("host")
    assert client.get(f"{CONTENT}/articles/{article.pk}").status_code == 200
    assert client.get(f"{CONTENT}/articles/{article.pk}", headers={"Host": "evil.example"}).status_code == 400
