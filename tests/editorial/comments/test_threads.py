"""Comments on the text: who may write them, where they point, who is told, and
how "request changes" gathers them."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from articles.models import Article
from editorial import workflow
from editorial.comments import threads
from editorial.exceptions import NotPermitted, WorkflowError
from editorial.models import Comment, Notification
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article

BODY = (
    "生成AIの投資は続いている。\n\n"
    "GPUの需要はデータセンターで伸びた。とくに推論の需要が大きい。\n\n"
    "一方で電力の制約が課題になる。"
)


@pytest.fixture
def article(writer, category):
    return make_article(
        title="AI投資の行方",
        body=BODY,
        excerpt="抜粋です。",
        authors=[writer.author_profile],
        categories=[category],
    )


def notices(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_an_editor_comments_on_a_selected_passage_and_the_writer_is_told(article, editor, writer):
    comment = threads.add(
        article,
        by=editor,
        field_name="body",
        text="根拠の数字を足してください。",
        quote="推論の需要",
        hint=30,
    )
    assert comment.quote == "推論の需要"
    [notice] = notices(writer)
    assert notice.kind == Notification.Kind.COMMENTED
    assert notice.email_status == Notification.Email.IN_APP
    assert "根拠の数字" in notice.message and notice.actor_label == "editor"
    assert notices(editor) == []


def test_a_paragraph_comment_points_at_the_whole_paragraph(article, editor):
    comment = threads.add(article, by=editor, field_name="body", text="段落ごと見直しを。", paragraph=3)
    assert comment.quote == "一方で電力の制約が課題になる。"
    [thread], _ = threads.threads_of(article)
    assert thread.paragraph == 3 and thread.where == "本文 第3段落"


def test_a_comment_on_the_title_needs_no_passage(article, editor):
    comment = threads.add(article, by=editor, field_name="title", text="もっと具体的に。")
    assert comment.quote == ""
    [thread], _ = threads.threads_of(article)
    assert thread.where == "タイトル" and not thread.orphaned


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "  "}, "コメントを書いてください。"),
        ({"text": "x", "paragraph": 9}, "段落の番号（1〜3）"),
        ({"text": "x"}, "段落の番号"),
        ({"text": "x", "quote": "保存されていない文"}, "先に保存してから"),
        ({"text": "x", "field_name": "nonsense"}, "コメントの対象を選んでください。"),
        ({"text": "あ" * 4001}, "4000文字まで"),
        ({"text": "途中に\x00が"}, "コメントに使えない制御文字（U\\+0000）が 4 文字目"),
    ],
)
def test_a_comment_that_cannot_be_placed_is_refused_in_japanese(article, editor, fields, message):
    arguments = {"field_name": "body", **fields}
    with pytest.raises(WorkflowError, match=message.replace("（", "[（]").replace("）", "[）]")):
        threads.add(article, by=editor, **arguments)
    assert not Comment.objects.exists()


def test_a_writer_cannot_comment_on_someone_elses_article(article, other_writer):
    with pytest.raises(NotPermitted):
        threads.add(article, by=other_writer, field_name="title", text="横から失礼。")


def test_replies_resolve_and_reopen_are_in_the_history(article, editor, writer):
    comment = threads.add(article, by=editor, field_name="body", text="出典は？", paragraph=2)
    threads.reply(comment, by=writer, text="追記しました。")
    threads.resolve(comment, by=editor)
    comment.refresh_from_db()
    assert comment.resolved_by == editor
    open_threads, resolved = threads.threads_of(article)
    assert open_threads == [] and [t.comment for t in resolved] == [comment]
    assert [r.text for r in resolved[0].replies] == ["追記しました。"]
    # A reply to a resolved comment opens it again.
    threads.reply(comment, by=writer, text="もう一点。")
    comment.refresh_from_db()
    assert comment.resolved_at is None
    threads.resolve(comment, by=writer)
    threads.reopen(comment, by=writer)
    messages = list(
        LogEntry.objects.filter(object_id=str(article.pk))
        .order_by("pk")
        .values_list("change_message", flat=True)
    )
    assert messages[0].startswith("本文「GPUの需要")
    assert "に返信しました：追記しました。" in messages[1]
    assert messages[2] == "コメント「出典は？」を解決済みにしました。"
    assert messages[-1] == "コメント「出典は？」を未解決に戻しました。"
    # The editor hears of the writer's replies.
    assert {n.kind for n in notices(editor)} == {Notification.Kind.COMMENTED}


def test_a_mention_tells_the_person_named_by_e_mail(article, writer, editor, superuser):
    superuser.last_name, superuser.first_name = "佐藤", "編集長"
    superuser.save()
    threads.add(article, by=editor, field_name="title", text="@佐藤編集長さん 確認をお願いします。")
    [mention] = notices(superuser)
    assert mention.kind == Notification.Kind.MENTIONED
    assert mention.email_status == Notification.Email.PENDING
    # The writer is told as usual; the one named is not told twice.
    assert [n.kind for n in notices(writer)] == [Notification.Kind.COMMENTED]


def test_a_mention_of_someone_who_cannot_see_the_article_tells_nobody(article, editor, other_writer):
    threads.add(article, by=editor, field_name="title", text="@other-writer 見てください。")
    assert notices(other_writer) == []


def test_a_writers_question_reaches_the_editors(article, writer, editor):
    threads.add(article, by=writer, field_name="excerpt", text="抜粋はこれでよいですか？")
    assert [n.kind for n in notices(editor)] == [Notification.Kind.COMMENTED]


def test_comments_follow_their_passage_and_are_orphaned_when_it_goes(article, editor):
    followed = threads.add(article, by=editor, field_name="body", text="数字は？", quote="推論の需要が大きい")
    lost = threads.add(article, by=editor, field_name="body", text="弱い結び。", paragraph=3)
    Article.objects.filter(pk=article.pk).update(
        body="## 序\n\n前置き。\n\n"
        + BODY.replace("推論の需要が大きい", "推論の需要がとても大きい").replace(
            "\n\n一方で電力の制約が課題になる。", ""
        )
    )
    article.refresh_from_db()
    open_threads, _ = threads.threads_of(article)
    assert [t.comment.pk for t in open_threads] == [followed.pk, lost.pk]
    followed.refresh_from_db()
    lost.refresh_from_db()
    assert followed.quote == "推論の需要がとても大きい" and followed.orphaned_at is None
    assert open_threads[0].paragraph == 4
    assert lost.orphaned_at is not None and lost.quote == "一方で電力の制約が課題になる。"
    assert open_threads[1].where == "本文（元の箇所が見つかりません）"


def test_request_changes_gathers_the_open_comments_into_the_notice(ready_article, editor, writer):
    workflow.submit(ready_article, by=writer)
    first_paragraph = ready_article.body.split("\n\n")[0].strip()
    threads.add(ready_article, by=editor, field_name="body", text="導入が長い。", quote=first_paragraph[:10])
    threads.add(ready_article, by=editor, field_name="title", text="数字を入れて。")
    done = threads.add(ready_article, by=editor, field_name="excerpt", text="解決済みの件。")
    threads.resolve(done, by=editor)
    # Open comments say why: the stage comment may stay empty.
    workflow.request_changes(ready_article, by=editor, comment="")
    [notice] = notices(writer, Notification.Kind.CHANGES_REQUESTED)
    assert "未解決のコメント（2件）" in notice.message
    assert "導入が長い。（editor）" in notice.message and "タイトル: 数字を入れて。" in notice.message
    assert "解決済みの件" not in notice.message


def test_request_changes_without_any_reason_is_refused(ready_article, editor, writer):
    workflow.submit(ready_article, by=writer)
    with pytest.raises(WorkflowError, match="差し戻す理由"):
        workflow.request_changes(ready_article, by=editor, comment=" ")


def test_comments_on_a_live_article_point_at_its_pending_version(writer, editor, category, client):
    live = make_article(
        title="公開中",
        body="公開中の本文。",
        authors=[writer.author_profile],
        categories=[category],
        published=True,
    )
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_change", args=[live.pk]),
        change_form_data(live, body="公開中の本文。\n\n書き足した段落。"),
    )
    live.refresh_from_db()
    comment = threads.add(live, by=editor, field_name="body", text="ここは良い。", quote="書き足した段落")
    [thread], _ = threads.threads_of(live)
    assert thread.comment == comment and thread.paragraph == 2


class TestThroughTheAdmin:
    def add_url(self, article):
        return reverse("admin:articles_article_comment_add", args=[article.pk])

    def test_the_change_form_shows_the_open_comments_at_the_top(self, article, editor, writer):
        threads.add(article, by=editor, field_name="body", text="根拠を。", paragraph=2)
        client = Client()
        client.force_login(writer)
        page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
        assert 'id="comments"' in page and "根拠を。" in page and "本文 第2段落" in page
        assert page.index('id="comments"') < page.index('name="body"')
        # The comment forms sit outside the article's form.
        assert page.index('id="comment-add"') > page.index("</form>")

    def test_a_script_gets_the_panel_back_without_leaving_the_page(self, article, editor):
        client = Client()
        client.force_login(editor)
        response = client.post(
            self.add_url(article),
            {"field": "body", "quote": "電力の制約", "hint": "40", "text": "出典を。"},
            headers={"X-Requested-With": "fetch"},
        )
        assert response.status_code == 200
        answer = response.json()
        assert answer["done"] == "コメントしました。" and "出典を。" in answer["panel"]
        assert 'id="comment-forms"' in answer["forms"]

    def test_a_refusal_is_a_json_error_in_japanese_and_nothing_is_saved(self, article, editor):
        client = Client()
        client.force_login(editor)
        response = client.post(
            self.add_url(article),
            {"field": "body", "paragraph": "三", "text": "x"},
            headers={"X-Requested-With": "fetch"},
        )
        assert response.status_code == 400
        assert response.json()["error"] == "段落の番号は半角数字で入れてください（例: 3）。"
        assert not Comment.objects.exists()

    def test_without_a_script_the_post_comes_back_to_the_form(self, article, editor):
        client = Client()
        client.force_login(editor)
        response = client.post(self.add_url(article), {"field": "title", "text": "短く。"})
        assert response.status_code == 302
        assert response["Location"].endswith(f"/articles/article/{article.pk}/change/#comments")

    def test_a_writer_cannot_reach_another_writers_article(self, article, other_writer, editor):
        comment = threads.add(article, by=editor, field_name="title", text="短く。")
        client = Client()
        client.force_login(other_writer)
        assert client.post(self.add_url(article), {"field": "title", "text": "x"}).status_code == 404
        resolve = reverse("admin:articles_article_comment_resolve", args=[article.pk, comment.pk])
        assert client.post(resolve).status_code == 404
        comment.refresh_from_db()
        assert comment.resolved_at is None

    def test_a_comment_of_another_article_is_not_found(self, article, editor, writer, category):
        other = make_article(title="別の記事", authors=[writer.author_profile], categories=[category])
        comment = threads.add(other, by=editor, field_name="title", text="短く。")
        client = Client()
        client.force_login(editor)
        url = reverse("admin:articles_article_comment_resolve", args=[article.pk, comment.pk])
        assert client.post(url).status_code == 404

    def test_get_is_not_allowed(self, article, editor):
        client = Client()
        client.force_login(editor)
        assert client.get(self.add_url(article)).status_code == 405


def test_the_writers_desk_counts_the_open_comments_of_what_was_sent_back(ready_article, editor, writer):
    from django.utils import timezone

    from editorial.desk.sections import desk_for

    workflow.submit(ready_article, by=writer)
    threads.add(ready_article, by=editor, field_name="title", text="数字を入れて。")
    threads.add(ready_article, by=editor, field_name="excerpt", text="短く。")
    workflow.request_changes(ready_article, by=editor, comment="")
    [sent_back] = desk_for(writer, now=timezone.now()).sent_back
    assert sent_back.open_comments == 2
    client = Client()
    client.force_login(writer)
    assert "本文などへの未解決のコメント 2件" in client.get(reverse("admin:index")).content.decode()


def test_numbers_no_database_can_hold_are_refused_in_japanese_not_a_500(article, editor):
    client = Client()
    client.force_login(editor)
    url = reverse("admin:articles_article_comment_add", args=[article.pk])
    headers = {"X-Requested-With": "fetch"}
    response = client.post(url, {"field": "body", "paragraph": "9" * 5000, "text": "x"}, headers=headers)
    assert response.status_code == 400 and "段落の番号" in response.json()["error"]
    response = client.post(
        url, {"field": "body", "quote": "電力", "hint": "9" * 5000, "text": "出典を。"}, headers=headers
    )
    assert response.status_code == 200
