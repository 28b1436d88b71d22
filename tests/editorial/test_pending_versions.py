"""Saving a published article in the admin makes a pending version; readers keep
the live one until an editor publishes it."""

import threading

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Article
from editorial import pending, revisions, workflow
from editorial.exceptions import NotPermitted
from editorial.models import PendingVersion, Revision
from tests.editorial.admin_forms import change_form_data
from tests.editorial.live_articles import (
    LIVE_BODY,
    change_url,
    make_live_article,
    pending_form_data,
    reader_page,
    save_in_admin,
)
from tests.factories import READY_BODY, make_article, make_author


@pytest.fixture
def live_article(writer, category):
    return make_live_article(writer, category)


def test_editor_save_of_a_published_article_keeps_the_reader_page_unchanged(
    client, editor, live_article, django_capture_on_commit_callbacks
):
    reader = Client()
    before = reader_page(reader, live_article)  # and now in the page cache
    assert LIVE_BODY in before
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = save_in_admin(client, live_article, title="新しいタイトル", body="新しい本文です。")

    assert response.status_code == 302
    said = client.get(response.url).content.decode()
    assert "公開中の記事は変えずに、未公開の変更として保存しました。" in said
    assert "を変更しました" not in said
    after = reader_page(reader, live_article)
    assert "新しい本文です。" not in after
    assert LIVE_BODY in after
    cache.clear()  # and not only because the page cache kept the old page
    assert LIVE_BODY in reader_page(reader, live_article)
    live_article.refresh_from_db()
    assert live_article.title == "公開中のタイトル"
    assert live_article.status == Article.Status.PUBLISHED
    proposed = PendingVersion.objects.get(article=live_article)
    assert (proposed.title, proposed.body, proposed.saved_by) == (
        "新しいタイトル",
        "新しい本文です。",
        editor,
    )
    assert proposed.based_on_version == live_article.version == 2


def test_change_form_shows_the_pending_version_with_its_banner_and_buttons(client, editor, live_article):
    client.force_login(editor)
    save_in_admin(client, live_article, body="作業中の本文です。", tags="AI, 半導体")

    page = client.get(change_url(live_article)).content.decode()

    assert "公開中の記事とは別に、未公開の変更があります" in page
    assert "作業中の本文です。" in page
    assert "半導体" in page
    assert 'name="_pending" value="publish"' in page
    assert reverse("admin:articles_article_pending_discard", args=[live_article.pk]) in page
    assert reverse("admin:articles_article_pending_diff", args=[live_article.pk]) in page


def test_diff_compares_live_and_pending(client, editor, live_article, author):
    client.force_login(editor)
    save_in_admin(client, live_article, body="書き直した本文です。")

    response = client.get(reverse("admin:articles_article_pending_diff", args=[live_article.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "公開中" in page and "未公開の変更" in page
    assert "<ins>" in page and "<del>" in page
    assert "書き直した" in page


def test_editor_publishes_the_pending_version_and_readers_see_it(
    client, editor, live_article, django_capture_on_commit_callbacks
):
    reader = Client()
    reader_page(reader, live_article)
    client.force_login(editor)
    save_in_admin(client, live_article, title="新しいタイトル", body="新しい本文です。", tags="AI, 半導体")
    live_article.refresh_from_db()
    published_at = live_article.published_at

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:articles_article_pending_publish", args=[live_article.pk]))

    assert response.status_code == 302
    page = reader_page(reader, live_article)
    assert "新しい本文です。" in page
    assert "更新）" in page  # the reader page's 「（…更新）」 date
    live_article.refresh_from_db()
    assert live_article.title == "新しいタイトル"
    assert sorted(live_article.tags.names()) == ["AI", "半導体"]
    assert live_article.published_at == published_at
    assert live_article.version == 3
    assert not PendingVersion.objects.filter(article=live_article).exists()
    assert Revision.objects.filter(article=live_article, version=3, note="未公開の変更を公開").exists()
    assert LogEntry.objects.filter(
        object_id=str(live_article.pk), change_message__contains="公開しました"
    ).exists()


def test_reader_page_shows_no_update_date_for_a_saved_but_unpublished_change(client, editor, live_article):
    client.force_login(editor)
    save_in_admin(client, live_article, body="まだ公開しない本文です。")

    assert "更新）" not in reader_page(Client(), live_article)


def test_editor_discards_the_pending_version(client, editor, live_article):
    client.force_login(editor)
    save_in_admin(client, live_article, body="捨てる本文です。")

    response = client.post(reverse("admin:articles_article_pending_discard", args=[live_article.pk]))

    assert response.status_code == 302
    assert not PendingVersion.objects.filter(article=live_article).exists()
    live_article.refresh_from_db()
    assert live_article.body == LIVE_BODY
    page = client.get(change_url(live_article)).content.decode()
    assert "未公開の変更があります" not in page
    assert LogEntry.objects.filter(
        object_id=str(live_article.pk), change_message__contains="破棄しました"
    ).exists()


def test_writer_save_of_their_own_published_article_proposes_a_pending_version(
    client, writer, editor, live_article
):
    client.force_login(writer)

    response = save_in_admin(client, live_article, body="ライターの提案です。")

    assert response.status_code == 302
    live_article.refresh_from_db()
    assert live_article.body == LIVE_BODY
    assert PendingVersion.objects.get(article=live_article).saved_by == writer
    page = client.get(change_url(live_article)).content.decode()
    assert "未公開の変更があります" in page
    assert "編集者が確認して公開します" in page
    assert 'name="_pending" value="publish"' not in page

    editor_client = Client()
    editor_client.force_login(editor)
    editor_client.post(reverse("admin:articles_article_pending_publish", args=[live_article.pk]))
    live_article.refresh_from_db()
    assert live_article.body == "ライターの提案です。"


def test_writer_cannot_publish_or_discard_a_pending_version(client, writer, live_article):
    client.force_login(writer)
    save_in_admin(client, live_article, body="ライターの提案です。")

    for name in ("publish", "discard"):
        client.post(reverse(f"admin:articles_article_pending_{name}", args=[live_article.pk]))

    live_article.refresh_from_db()
    assert live_article.body == LIVE_BODY
    assert PendingVersion.objects.get(article=live_article).body == "ライターの提案です。"
    with pytest.raises(NotPermitted):
        pending.publish_pending(live_article, by=writer)


def test_writer_cannot_propose_changes_to_someone_elses_published_article(client, other_writer, live_article):
    client.force_login(other_writer)

    response = save_in_admin(client, live_article, body="他人の提案です。")

    assert response.status_code in (302, 403)
    assert not PendingVersion.objects.filter(article=live_article).exists()


def test_writer_may_change_the_byline_in_a_proposal(client, writer, editor, live_article):
    colleague = make_author(name="共著者", slug="coauthor")
    client.force_login(writer)
    data = change_form_data(live_article)
    data.update(
        {
            "article_authors-TOTAL_FORMS": "2",
            "article_authors-1-author": str(colleague.pk),
            "article_authors-1-position": "1",
        }
    )
    client.post(change_url(live_article), data)

    assert PendingVersion.objects.get(article=live_article).authors == [
        writer.author_profile.pk,
        colleague.pk,
    ]
    assert list(live_article.authors.all()) == [writer.author_profile]
    page = client.get(change_url(live_article)).content.decode()
    assert f'value="{colleague.pk}" selected' in page


def test_second_save_replaces_the_pending_version_it_was_based_on(client, editor, live_article):
    client.force_login(editor)
    save_in_admin(client, live_article, body="一度目の本文です。")

    response = save_in_admin(client, live_article, body="二度目の本文です。")

    assert response.status_code == 302
    assert PendingVersion.objects.get(article=live_article).body == "二度目の本文です。"


def test_save_from_a_form_opened_before_the_pending_version_is_refused_and_keeps_its_text(
    client, editor, superuser, live_article
):
    stale = change_form_data(live_article, body="古い画面から書いた本文です。")
    chief = Client()
    chief.force_login(superuser)
    save_in_admin(chief, live_article, body="編集長の本文です。")
    client.force_login(editor)

    response = client.post(change_url(live_article), stale)

    assert response.status_code == 200
    page = response.content.decode()
    assert "他の人の保存と重なりました" in page
    assert "古い画面から書いた本文です。" in page
    assert "編集長" in page  # the diff is against the pending version they saved
    assert PendingVersion.objects.get(article=live_article).body == "編集長の本文です。"


def test_save_from_a_form_opened_before_a_discard_is_refused(client, editor, live_article):
    client.force_login(editor)
    save_in_admin(client, live_article, body="一度目の本文です。")
    live_article.refresh_from_db()
    opened = pending_form_data(live_article, body="破棄の前に開いた画面の本文です。")
    pending.discard_pending(live_article, by=editor)

    response = client.post(change_url(live_article), opened)

    assert response.status_code == 200
    assert "他の人の保存と重なりました" in response.content.decode()
    assert not PendingVersion.objects.filter(article=live_article).exists()


def test_publishing_twice_says_there_is_nothing_left_to_publish(client, editor, live_article):
    client.force_login(editor)
    save_in_admin(client, live_article, body="公開する本文です。")
    url = reverse("admin:articles_article_pending_publish", args=[live_article.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert "未公開の変更はありません" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_a_publication_waits_and_is_refused(editor, superuser, live_article):
    """Both start from the pending version: the publication holds the row lock,
    so the save sees the next version and is refused, keeping its text."""
    first = Client()
    first.force_login(editor)
    save_in_admin(first, live_article, body="公開される本文です。")
    live_article.refresh_from_db()
    racing = pending_form_data(live_article, body="同時に保存した本文です。")
    responses = {}
    start = threading.Barrier(2)

    def publish():
        client = Client()
        client.force_login(superuser)
        start.wait()
        try:
            responses["publish"] = client.post(
                reverse("admin:articles_article_pending_publish", args=[live_article.pk])
            )
        finally:
            connection.close()

    def save():
        client = Client()
        client.force_login(editor)
        start.wait()
        try:
            responses["save"] = client.post(change_url(live_article), racing)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish), threading.Thread(target=save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    live_article.refresh_from_db()
    if responses["save"].status_code == 302:
        # The save came first: it replaced the pending version, which was then published.
        assert live_article.body == "同時に保存した本文です。"
    else:
        assert live_article.body == "公開される本文です。"
        assert "同時に保存した本文です。" in responses["save"].content.decode()
    assert not PendingVersion.objects.filter(article=live_article).exists()


def test_restoring_an_old_version_of_a_published_article_makes_it_pending(client, editor, live_article):
    first = revisions.record_revision(live_article, by=editor)
    client.force_login(editor)
    save_in_admin(client, live_article, body="第二版の本文です。")
    client.post(reverse("admin:articles_article_pending_publish", args=[live_article.pk]))
    live_article.refresh_from_db()
    assert live_article.body == "第二版の本文です。"

    response = client.post(
        reverse("admin:articles_article_revision_restore", args=[live_article.pk, first.pk]), follow=True
    )

    assert "未公開の変更にしました" in response.content.decode()
    live_article.refresh_from_db()
    assert live_article.body == "第二版の本文です。"
    proposed = PendingVersion.objects.get(article=live_article)
    assert (proposed.body, proposed.authors) == (LIVE_BODY, first.metadata["authors"])


def test_a_pending_version_left_behind_by_archiving_is_not_brought_back_after_later_edits(
    client, editor, live_article
):
    client.force_login(editor)
    save_in_admin(client, live_article, body="置き去りの本文です。")
    workflow.archive(live_article, by=editor)
    workflow.reopen(live_article, by=editor)
    save_in_admin(client, live_article, body=READY_BODY)
    workflow.approve(live_article, by=editor)
    live_article.refresh_from_db()
    assert live_article.status == Article.Status.PUBLISHED

    page = client.get(change_url(live_article)).content.decode()

    assert "未公開の変更があります" not in page
    assert "置き去りの本文です。" not in page
    assert pending.pending_of(live_article) is None


def test_publish_now_from_the_form_saves_what_was_typed_first(
    client, editor, live_article, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    save_in_admin(client, live_article, body="保存済みの変更です。")

    with django_capture_on_commit_callbacks(execute=True):
        response = save_in_admin(client, live_article, body="公開直前に直した本文です。", _pending="publish")

    assert response.status_code == 302
    live_article.refresh_from_db()
    assert live_article.body == "公開直前に直した本文です。"
    assert "公開直前に直した本文です。" in reader_page(Client(), live_article)
    assert pending.pending_of(live_article) is None


def test_a_writer_pressing_publish_now_keeps_their_proposal_unpublished(client, writer, live_article):
    client.force_login(writer)

    response = save_in_admin(client, live_article, body="ライターの提案です。", _pending="publish")

    assert response.status_code == 302
    live_article.refresh_from_db()
    assert live_article.body == LIVE_BODY
    assert pending.pending_of(live_article).body == "ライターの提案です。"
    assert "公開できるのは編集者だけです" in client.get(response.url).content.decode()


def test_a_slug_taken_since_the_pending_version_was_saved_is_refused_in_japanese(
    client, editor, live_article, author
):
    client.force_login(editor)
    save_in_admin(client, live_article, slug="new-address")
    make_article(title="別の記事", slug="new-address", authors=[author])

    response = client.post(
        reverse("admin:articles_article_pending_publish", args=[live_article.pk]), follow=True
    )

    assert "スラッグ「new-address」はほかの記事が使っています" in response.content.decode()
    live_article.refresh_from_db()
    assert live_article.slug != "new-address"
    assert pending.pending_of(live_article).slug == "new-address"
