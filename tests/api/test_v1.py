"""The editorial API end to end: a real HTTP client against a live server."""

from datetime import timedelta

import httpx
import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from articles.models import Article
from editorial.checks import review_findings
from editorial.continuation.panel import tree
from editorial.continuation.segments import assemble_texts
from editorial.models import Segment
from tests.editorial.continuation.cutoff_corpus.sample import SAMPLE, sample_passes
from tests.factories import READY_BODY

ALL_SCOPES = [scope.value for scope in ApiToken.Scope]
FIRST = "電力需要の見通しは、データセンターの増設計画に大きく左右されます。特に郊外の"
SECOND = "特に郊外の大型施設では、送電網の増強が追いついていません。そのため"
THIRD = "そのため、電力会社の設備投資は数年にわたって高止まりするでしょう。"
UNRELATED = "まったく別の話題です。半導体の在庫は落ち着きを見せています。"


@pytest.fixture
def client_as(live_server):
    clients = []

    def make(user, scopes=ALL_SCOPES, **fields):
        _, secret = tokens.issue(name="パイプライン", user=user, scopes=scopes, by=None, **fields)
        client = httpx.Client(
            base_url=f"{live_server.url}/api/v1", headers={"Authorization": f"Bearer {secret}"}, timeout=30
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def new_article(client, category, text=FIRST, **fields):
    payload = {
        "title": "電力需要の行方",
        "text": text,
        "excerpt": "電力需要を読む。",
        "categories": [category.slug],
    }
    return client.post("/articles", json={**payload, **fields})


def push(client, article_id, text, key, **fields):
    return client.post(
        f"/articles/{article_id}/passes", json={"text": text, **fields}, headers={"Idempotency-Key": key}
    )


@pytest.mark.django_db(transaction=True)
class TestTokens:
    def test_request_without_token_is_unauthorised_in_japanese(self, live_server):
        response = httpx.get(f"{live_server.url}/api/v1/articles/1")
        assert response.status_code == 401
        assert "認証" in response.json()["detail"]

    def test_wrong_secret_is_unauthorised(self, live_server, writer):
        token, secret = tokens.issue(name="x", user=writer, scopes=ALL_SCOPES, by=None)
        wrong = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
        response = httpx.get(
            f"{live_server.url}/api/v1/articles/1", headers={"Authorization": f"Bearer {wrong}"}
        )
        assert response.status_code == 401

    def test_secret_is_stored_only_as_a_digest(self, writer):
        token, secret = tokens.issue(name="x", user=writer, scopes=ALL_SCOPES, by=None)
        stored = ApiToken.objects.get(pk=token.pk)
        assert secret.split("_")[-1] not in (stored.secret_hash, stored.prefix)
        assert tokens.find(secret) == stored

    def test_revoked_token_is_refused(self, client_as, writer, category):
        client = client_as(writer)
        tokens.revoke(ApiToken.objects.all())
        response = new_article(client, category)
        assert response.status_code == 401
        assert "失効" in response.json()["detail"]
        assert not Article.objects.exists()

    def test_expired_token_is_refused(self, client_as, writer, category):
        client = client_as(writer, expires_at=timezone.now() - timedelta(minutes=1))
        assert new_article(client, category).status_code == 401

    def test_token_without_the_scope_gets_403(self, client_as, writer, category):
        client = client_as(writer, scopes=["articles:read"])
        response = new_article(client, category)
        assert response.status_code == 403
        assert "articles:write" in response.json()["detail"]
        assert not Article.objects.exists()

    def test_reading_needs_articles_read(self, client_as, writer, category):
        created = new_article(client_as(writer), category).json()
        writer_only = client_as(writer, scopes=["articles:write", "segments:write"])
        response = writer_only.get(f"/articles/{created['id']}")
        assert response.status_code == 403
        assert "articles:read" in response.json()["detail"]

    def test_an_inactive_users_token_is_refused(self, client_as, writer, category):
        client = client_as(writer)
        writer.is_active = False
        writer.save()
        assert new_article(client, category).status_code == 401

    def test_passes_need_segments_write(self, client_as, writer, category):
        created = new_article(client_as(writer), category).json()
        reader = client_as(writer, scopes=["articles:read", "articles:write"])
        assert push(reader, created["id"], SECOND, "k1").status_code == 403
        assert Segment.objects.count() == 1

    def test_writes_over_the_limit_get_429_with_retry_after(self, client_as, writer, category, monkeypatch):
        monkeypatch.setattr(tokens, "WRITES_PER_MINUTE", 2)
        client = client_as(writer)
        created = new_article(client, category).json()
        assert push(client, created["id"], SECOND, "k1").status_code == 201
        response = push(client, created["id"], THIRD, "k2")
        assert response.status_code == 429
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        assert Segment.objects.count() == 2


@pytest.mark.django_db(transaction=True)
class TestArticles:
    def test_create_makes_a_draft_of_the_writer_with_the_first_pass(self, client_as, writer, category):
        response = new_article(client_as(writer), category, tags=["AI"])
        assert response.status_code == 201, response.text
        body = response.json()
        article = Article.objects.get(pk=body["id"])
        assert [a.author.user for a in article.article_authors.all()] == [writer]
        assert list(article.categories.all()) == [category]
        assert [t.name for t in article.tags.all()] == ["AI"]
        # The first pass stops mid-sentence: the detector moves it to continuation, as in the admin.
        assert body["status"] == Article.Status.CONTINUATION and body["truncated"] is True
        assert body["length"] == len(article.body)
        assert [s["source"] for s in body["segments"]] == ["api"]
        assert "truncated" in {check["code"] for check in body["checks"]}

    def test_a_creation_sent_again_with_its_key_makes_one_article(self, client_as, writer, category):
        client = client_as(writer)
        payload = {"title": "電力需要の行方", "text": FIRST, "categories": [category.slug]}

        first = client.post("/articles", json=payload, headers={"Idempotency-Key": "create-1"})
        again = client.post("/articles", json=payload, headers={"Idempotency-Key": "create-1"})
        other = client.post(
            "/articles", json={**payload, "title": "別の記事"}, headers={"Idempotency-Key": "create-1"}
        )

        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        assert Article.objects.count() == 1
        assert other.status_code == 422 and "別の内容" in other.json()["detail"]

    def test_a_creation_without_a_key_is_not_deduplicated(self, client_as, writer, category):
        client = client_as(writer)

        assert new_article(client, category).status_code == 201
        assert new_article(client, category).status_code == 201
        assert Article.objects.count() == 2

    def test_get_shows_the_article_to_its_writer(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        response = client.get(f"/articles/{created['id']}")
        assert response.status_code == 200
        assert response.json()["title"] == "電力需要の行方"

    def test_another_writers_article_is_not_found(self, client_as, writer, other_writer, category):
        created = new_article(client_as(writer), category).json()
        other = client_as(other_writer)
        assert other.get(f"/articles/{created['id']}").status_code == 404
        assert push(other, created["id"], SECOND, "k1").status_code == 404
        assert other.post(f"/articles/{created['id']}/submit").status_code == 404
        assert Segment.objects.count() == 1

    def test_writer_cannot_add_to_an_article_in_review(self, client_as, writer, ready_article):
        client = client_as(writer)
        assert client.post(f"/articles/{ready_article.pk}/submit").status_code == 200
        response = push(client, ready_article.pk, READY_BODY[-40:] + "追記です。", "k1")
        assert response.status_code == 403
        assert "権限" in response.json()["detail"]

    def test_an_editors_token_works_on_any_article_as_the_editor_would(
        self, client_as, writer, editor, category
    ):
        created = new_article(client_as(writer), category).json()
        response = push(client_as(editor), created["id"], SECOND, "k1")
        assert response.status_code == 201
        assert Segment.objects.get(parent__isnull=False).created_by == editor

    def test_a_pass_to_a_published_article_waits_as_its_pending_version(
        self, client_as, editor, published_article
    ):
        live_body = published_article.body
        response = push(client_as(editor), published_article.pk, live_body[-12:] + "追記した段落です。", "k1")
        assert response.status_code == 201, response.text
        assert response.json()["pending_version"] is True
        published_article.refresh_from_db()
        assert published_article.body == live_body
        assert published_article.status == Article.Status.PUBLISHED

    def test_a_live_articles_answer_checks_what_would_go_live(self, client_as, editor, published_article):
        """The live body is complete; its pending version stops mid-sentence: the answer's
        checks and cut-off state are the pending version's, the one an editor would publish."""
        client = client_as(editor)
        live_body = published_article.body.rstrip()

        answer = push(
            client, published_article.pk, live_body[-12:] + "\n\n続きの段落は、まだ途中で", "k1"
        ).json()

        assert answer["pending_version"] is True and answer["truncated"] is True
        assert "truncated" in {check["code"] for check in answer["checks"]}
        # The live article alone would have passed.
        assert "truncated" not in {finding.code for finding in review_findings(published_article)}

    def test_submit_sends_a_complete_draft_to_review(self, client_as, writer, ready_article):
        response = client_as(writer).post(f"/articles/{ready_article.pk}/submit")
        assert response.status_code == 200, response.text
        ready_article.refresh_from_db()
        assert ready_article.status == Article.Status.REVIEW

    def test_submit_of_a_cut_off_article_is_refused_with_the_reason(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        response = client.post(f"/articles/{created['id']}/submit")
        assert response.status_code == 409
        assert response.json()["detail"]
        assert Article.objects.get().status == Article.Status.CONTINUATION

    def test_every_write_leaves_an_audit_row_naming_the_token(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        push(client, created["id"], SECOND, "k1")
        token = ApiToken.objects.get()
        messages = list(LogEntry.objects.values_list("change_message", flat=True))
        assert len(messages) == 3
        assert all(token.prefix in message and "パイプライン" in message for message in messages)


@pytest.mark.django_db(transaction=True)
class TestPasses:
    def test_passes_stitch_and_the_answer_reports_the_result(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        push(client, created["id"], SECOND, "k1")
        response = push(client, created["id"], THIRD, "k2")
        assert response.status_code == 201, response.text
        body = response.json()
        article = Article.objects.get()
        assert article.body == assemble_texts([FIRST, SECOND, THIRD])
        assert body["length"] == len(article.body)
        assert body["truncated"] is False and body["status"] == Article.Status.DRAFT
        assert [(s["depth"], s["on_path"]) for s in body["segments"]] == [(0, True), (1, True), (2, True)]
        assert all(s["overlap"] for s in body["segments"][1:])

    def test_retry_with_the_same_key_returns_the_first_answer_and_adds_nothing(
        self, client_as, writer, category
    ):
        client = client_as(writer)
        created = new_article(client, category).json()
        first = push(client, created["id"], SECOND, "same")
        again = push(client, created["id"], SECOND, "same")
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        assert Segment.objects.count() == 2

    def test_same_key_with_another_body_is_refused(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        push(client, created["id"], SECOND, "same")
        response = push(client, created["id"], SECOND + "別の文。", "same")
        assert response.status_code == 422
        assert "Idempotency-Key" in response.json()["detail"]
        assert Segment.objects.count() == 2

    def test_a_pass_without_a_key_is_refused(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        response = client.post(f"/articles/{created['id']}/passes", json={"text": SECOND})
        assert response.status_code == 422
        assert Segment.objects.count() == 1

    def test_a_pass_that_overlaps_nothing_is_refused_and_nothing_changes(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        before = Article.objects.values().get()
        response = push(client, created["id"], UNRELATED, "k1")
        assert response.status_code == 422
        assert "重なる箇所がない" in response.json()["detail"]
        assert Article.objects.values().get() == before
        assert Segment.objects.count() == 1
        assert LogEntry.objects.count() == 2  # the creation and its first pass

    def test_a_pass_that_would_make_the_body_too_long_is_refused(self, client_as, writer, category, settings):
        client = client_as(writer)
        created = new_article(client, category).json()
        before = Article.objects.values().get()
        # Each pass fits; the two stitched do not, and add_segment refuses to cut the body.
        settings.ARTICLE_BODY_MAX_CHARS = len(FIRST) + 5
        response = push(client, created["id"], SECOND, "k1")
        assert response.status_code == 422
        assert "長すぎます" in response.json()["detail"]
        assert Article.objects.values().get() == before
        assert Segment.objects.count() == 1

    def test_an_explicit_parent_makes_an_alternative(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        root = created["segments"][0]["id"]
        push(client, created["id"], SECOND, "k1")
        response = push(
            client,
            created["id"],
            "特に郊外の大型施設では、自前の発電設備を持つ例が増えています。",
            "k2",
            parent=root,
        )
        assert response.status_code == 201
        tree = response.json()["segments"]
        assert [s["parent"] for s in tree] == [None, root, root]

    def test_a_parent_from_another_article_is_refused(self, client_as, writer, category):
        client = client_as(writer)
        created = new_article(client, category).json()
        elsewhere = new_article(client, category).json()
        response = push(client, created["id"], SECOND, "k1", parent=elsewhere["segments"][0]["id"])
        assert response.status_code == 422
        assert Segment.objects.filter(article_id=created["id"]).count() == 1

    @pytest.mark.skipif(not SAMPLE.exists(), reason=f"the shared sample is not at {SAMPLE}")
    def test_the_samples_passes_pushed_in_order_give_the_importers_body(self, client_as, writer, category):
        passes = sample_passes()
        client = client_as(writer)
        created = new_article(client, category, text=passes[0])
        assert created.status_code == 201, created.text
        for number, text in enumerate(passes[1:], start=1):
            response = push(client, created.json()["id"], text, f"pass-{number}")
            assert response.status_code == 201, response.text
        article = Article.objects.get()
        assert article.body == assemble_texts(passes)
        assert response.json()["length"] == len(article.body)
        first, _, alternative, third, fourth = Segment.objects.order_by("id").values_list("pk", flat=True)
        assert [s["id"] for s in response.json()["segments"] if s["on_path"]] == [
            first,
            alternative,
            third,
            fourth,
        ]
        assert response.json()["truncated"] is False


@pytest.fixture
def local_client(writer):
    """Django's client in this process, so the queries of a request can be counted."""
    _, secret = tokens.issue(name="パイプライン", user=writer, scopes=ALL_SCOPES, by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def local_push(client, article_id, text, key, **fields):
    return client.post(
        f"/api/v1/articles/{article_id}/passes",
        {"text": text, **fields},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


# Each continues the one before and stops mid-sentence, so the article stays in its stage.
CUT_PASSES = [
    "そのため、電力会社の設備投資は数年にわたって",
    "数年にわたって高止まりするでしょう。送電網の増強には",
    "送電網の増強には、用地の確保と地元の合意が欠かせず、",
]
# Queries of a writer's pass to their draft that stays in its stage, counted inside the
# test's transaction (two are its savepoints; a writer's rights cost two more than an
# editor's). Issue 17's target, a pass answered in under 100 ms, was missed with 49: the
# article, its segments and its path were read several times, the tree stitched twice.
PASS_QUERIES = 31


@pytest.mark.django_db
class TestPassCost:
    def test_a_pass_takes_the_same_few_queries_however_many_came_before(
        self, local_client, category, django_assert_num_queries
    ):
        created = local_client.post(
            "/api/v1/articles",
            {
                "title": "電力需要の行方",
                "text": FIRST,
                "excerpt": "電力需要を読む。",
                "categories": [category.slug],
            },
            content_type="application/json",
        ).json()
        assert local_push(local_client, created["id"], SECOND, "k0").status_code == 201
        for number, text in enumerate(CUT_PASSES, 1):
            with django_assert_num_queries(PASS_QUERIES):
                response = local_push(local_client, created["id"], text, f"k{number}")
            assert response.status_code == 201, response.content
            assert response.json()["status"] == Article.Status.CONTINUATION

    def test_a_pass_answers_what_a_fresh_read_of_the_article_says(self, local_client, category):
        created = local_client.post(
            "/api/v1/articles",
            {
                "title": "電力需要の行方",
                "text": FIRST,
                "excerpt": "電力需要を読む。",
                "categories": [category.slug],
            },
            content_type="application/json",
        ).json()
        second = local_push(local_client, created["id"], SECOND, "k1").json()
        # An alternative to the second pass, then a pass that continues the first second pass.
        local_push(
            local_client,
            created["id"],
            "特に郊外では、電力の奪い合いが始まっています。",
            "k2",
            parent=created["segments"][0]["id"],
        )
        answer = local_push(
            local_client, created["id"], THIRD, "k3", parent=second["segments"][-1]["id"]
        ).json()
        article = Article.objects.get()
        nodes, _, _ = tree(article)
        assert [
            (s["id"], s["depth"], s["on_path"], s["is_leaf"], s["overlap"]) for s in answer["segments"]
        ] == [
            (n.segment.pk, n.depth, n.on_path, n.is_leaf, n.overlap.length if n.overlap else None)
            for n in nodes
        ]
        assert answer["checks"] == [
            {"code": f.code, "level": f.level, "message": f.message, "paragraph": f.paragraph}
            for f in review_findings(article)
        ]
        assert answer == local_client.get(f"/api/v1/articles/{created['id']}").json()
