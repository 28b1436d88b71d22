"""Autosave on the server: one row per person and article, checked like a save,
offered back with a diff, dropped when the article is saved."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from editorial import workflow
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article
from writing import autosave
from writing.models import Autosave

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(writer, category):
    return make_article(
        title="下書き",
        body="最初の本文。",
        excerpt="抜粋。",
        authors=[writer.author_profile],
        categories=[category],
    )


def fields(**changes):
    """The form as the script sends it for ``draft`` unchanged, with ``changes``."""
    from articles.models import Article, Category

    draft = Article.objects.filter(title="下書き").first()
    unchanged = {
        "title": "下書き",
        "slug": draft.slug if draft else "",
        "body": "最初の本文。",
        "excerpt": "抜粋。",
        "cover_alt": "",
        "tags": "",
        "categories": list(Category.objects.values_list("pk", flat=True)),
    }
    return {**unchanged, **changes}


def send(client, data):
    return client.post(reverse("writing:autosave"), json.dumps(data), content_type="application/json")


@pytest.fixture
def writer_client(writer):
    client = Client()
    client.force_login(writer)
    return client


def test_autosaves_replace_one_row_and_are_no_revision(writer_client, draft, writer):
    revisions_before = draft.revisions.count()
    for text in ("一回目", "二回目"):
        response = send(
            writer_client, {"article": draft.pk, "version": draft.version, "fields": fields(body=text)}
        )
        assert response.status_code == 200 and response.json()["shown"]
    [row] = Autosave.objects.all()
    assert row.user == writer and row.fields["body"] == "二回目" and row.based_on_version == draft.version
    draft.refresh_from_db()
    assert draft.body == "最初の本文。" and draft.revisions.count() == revisions_before


def test_a_new_article_is_autosaved_by_its_key(writer_client, writer):
    key = str(uuid.uuid4())
    assert send(writer_client, {"draft_key": key, "fields": fields(title="新しい記事")}).status_code == 200
    assert autosave.latest_new_article(writer).fields["title"] == "新しい記事"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"article": "x", "fields": {}}, 400, "記事の指定が読めません。"),
        ({"draft_key": "not-a-key", "fields": {}}, 400, "新しい記事の鍵が読めません。"),
        ({"draft_key": str(uuid.uuid4()), "fields": {"title": 5}}, 400, "文字列ではありません"),
        (
            {"draft_key": str(uuid.uuid4()), "fields": {"title": "あ" * 201}},
            400,
            "長すぎて自動保存できません",
        ),
        ({"draft_key": str(uuid.uuid4()), "fields": "本文"}, 400, "自動保存の内容が読めません。"),
        (
            {"draft_key": str(uuid.uuid4()), "fields": {"categories": ["1; drop"]}},
            400,
            "カテゴリーが読めません",
        ),
    ],
)
def test_bad_autosaves_are_refused_in_japanese(writer_client, data, status, message):
    response = send(writer_client, data)
    assert response.status_code == status and message in response.json()["error"]
    assert not Autosave.objects.exists()


def test_a_nul_character_does_not_cost_the_rest(writer_client, draft):
    assert send(writer_client, {"article": draft.pk, "fields": fields(body="前\x00後")}).status_code == 200
    assert Autosave.objects.get().fields["body"] == "前後"


def test_only_those_who_may_save_the_article_autosave_it(draft, ready_article, other_writer, writer, editor):
    other = Client()
    other.force_login(other_writer)
    assert send(other, {"article": draft.pk, "fields": fields()}).status_code == 403
    workflow.submit(ready_article, by=writer)  # in review: the writer can no longer change it
    mine = Client()
    mine.force_login(writer)
    response = send(mine, {"article": ready_article.pk, "fields": fields()})
    assert response.status_code == 403 and "今は変更できない" in response.json()["error"]
    assert not Autosave.objects.exists()
    anonymous = Client()
    assert send(anonymous, {"article": draft.pk, "fields": fields()}).status_code == 403


def test_reopening_offers_the_autosave_with_a_diff_and_restores_it(writer_client, draft):
    send(
        writer_client,
        {"article": draft.pk, "version": draft.version, "fields": fields(body="書きかけの本文。")},
    )
    url = reverse("admin:articles_article_change", args=[draft.pk])
    page = writer_client.get(url).content.decode()
    assert "保存していない変更があります" in page and "いまの記事" in page
    restored = writer_client.get(url, {"autosave": "restore"}).content.decode()
    assert "の自動保存から復元しました。まだ保存されていません。" in restored
    assert "書きかけの本文。</textarea>" in restored


def test_an_autosave_like_the_article_is_not_offered_and_is_dropped(writer_client, draft):
    send(writer_client, {"article": draft.pk, "version": draft.version, "fields": fields()})
    page = writer_client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "保存していない変更があります" not in page
    assert not Autosave.objects.exists()


def test_saving_the_article_drops_its_autosave(writer_client, draft):
    send(writer_client, {"article": draft.pk, "version": draft.version, "fields": fields(body="書きかけ")})
    response = writer_client.post(
        reverse("admin:articles_article_change", args=[draft.pk]),
        change_form_data(draft, body="保存した本文。"),
    )
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_a_restored_form_typed_against_an_old_version_is_caught_by_the_edit_lock(
    writer_client, draft, editor
):
    send(
        writer_client,
        {"article": draft.pk, "version": draft.version, "fields": fields(body="私の書きかけ。")},
    )
    editor_client = Client()
    editor_client.force_login(editor)
    editor_client.post(
        reverse("admin:articles_article_change", args=[draft.pk]), change_form_data(draft, title="編集者の題")
    )
    url = reverse("admin:articles_article_change", args=[draft.pk])
    page = writer_client.get(url).content.decode()
    assert "そのあとで記事が保存されています。" in page
    restored = writer_client.get(url, {"autosave": "restore"})
    assert restored.context["adminform"].form.initial["loaded_version"] == draft.version


def test_the_add_page_offers_the_new_article_left_unsaved(writer_client, writer):
    key = uuid.uuid4()
    send(writer_client, {"draft_key": str(key), "fields": fields(title="書きかけの新記事", body="途中まで")})
    page = writer_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "書きかけの新しい記事があります" in page and "書きかけの新記事" in page
    restored = writer_client.get(
        reverse("admin:articles_article_add"), {"autosave": "restore"}
    ).content.decode()
    assert 'value="書きかけの新記事"' in restored
    # The restored page goes on autosaving into the same row, and its save drops it.
    assert f'name="_autosave_key" value="{key}"' in restored


def test_discarding_an_offer(writer_client, draft):
    send(writer_client, {"article": draft.pk, "fields": fields(body="要らない")})
    response = writer_client.post(
        reverse("writing:autosave_discard"),
        json.dumps({"article": draft.pk}),
        content_type="application/json",
    )
    assert response.status_code == 200 and not Autosave.objects.exists()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"article": "²", "fields": {}}, 400),
        ({"article": "9" * 5000, "fields": {}}, 400),
        ({"draft_key": str(uuid.uuid4()), "version": "²", "fields": {}}, 200),
        ({"draft_key": str(uuid.uuid4()), "version": "9" * 5000, "fields": {}}, 200),
        ({"draft_key": str(uuid.uuid4()), "version": "99999999999999999999", "fields": {}}, 200),
        ({"draft_key": str(uuid.uuid4()), "fields": {"categories": ["9" * 5000]}}, 400),
        ({"draft_key": str(uuid.uuid4()), "written_at": "2026-13-45T99:00:00Z", "fields": {}}, 200),
    ],
)
def test_numbers_no_database_can_hold_are_refused_or_ignored_never_a_500(writer_client, data, status):
    assert send(writer_client, data).status_code == status


def test_a_late_leftover_does_not_replace_a_newer_autosave(writer_client, draft):
    newer = {"article": draft.pk, "written_at": "2026-12-02T10:00:00+09:00", "fields": fields(body="新しい")}
    older = {
        "article": draft.pk,
        "written_at": "2026-12-02T09:00:00+09:00",
        "fields": fields(body="古い写し"),
    }
    assert send(writer_client, newer).json()["kept"] is True
    assert send(writer_client, older).json()["kept"] is False
    assert Autosave.objects.get().fields["body"] == "新しい"


def test_a_writer_whose_article_went_to_review_can_still_decline_its_offer(ready_article, writer):
    client = Client()
    client.force_login(writer)
    send(client, {"article": ready_article.pk, "fields": fields(body="書きかけ")})
    workflow.submit(ready_article, by=writer)
    response = client.post(
        reverse("writing:autosave_discard"),
        json.dumps({"article": ready_article.pk}),
        content_type="application/json",
    )
    assert response.status_code == 200 and not Autosave.objects.exists()


def test_only_the_newest_few_new_articles_are_kept(writer_client, writer):
    for number in range(autosave.NEW_ARTICLES_KEPT + 2):
        send(writer_client, {"draft_key": str(uuid.uuid4()), "fields": fields(title=f"新記事{number}")})
    kept = Autosave.objects.filter(user=writer, article__isnull=True)
    assert kept.count() == autosave.NEW_ARTICLES_KEPT
    assert autosave.latest_new_article(writer).fields["title"] == f"新記事{autosave.NEW_ARTICLES_KEPT + 1}"
