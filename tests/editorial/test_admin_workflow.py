import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import previews, revisions, workflow
from editorial.models import PendingVersion, Revision, Transition
from tests.editorial.admin_forms import change_form_data
from tests.factories import READY_BODY, make_article, make_author

pytestmark = pytest.mark.django_db

S = Article.Status


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def press(client, article, verb, **extra):
    article.refresh_from_db()
    return client.post(change_url(article), change_form_data(article, _workflow=verb, **extra))


def test_writer_sees_submit_but_never_approve_or_publish(client, writer, ready_article):
    client.force_login(writer)
    html = client.get(change_url(ready_article)).content.decode()
    assert 'value="submit"' in html
    for verb in ("approve", "publish", "archive", "request_changes"):
        assert f'value="{verb}"' not in html


def test_writer_submits_with_the_button(client, writer, ready_article):
    client.force_login(writer)
    response = press(client, ready_article, "submit")
    assert response.status_code == 302
    ready_article.refresh_from_db()
    assert ready_article.status == S.REVIEW
    assert Transition.objects.get().actor == writer
    assert "保存しました。ステージ: レビュー中" in messages_of(response)


def test_forged_approve_by_a_writer_is_refused_on_the_server(client, writer, ready_article):
    client.force_login(writer)
    response = press(client, ready_article, "approve")
    ready_article.refresh_from_db()
    assert ready_article.status == S.DRAFT
    assert "この操作をする権限がありません。" in messages_of(response)
    workflow.submit(ready_article, by=writer)
    # In review the article is no longer the writer's to change at all.
    assert press(client, ready_article, "approve").status_code == 403
    ready_article.refresh_from_db()
    assert ready_article.status == S.REVIEW


def test_failed_guard_is_listed_in_the_message(client, writer, ready_article):
    client.force_login(writer)
    response = press(client, ready_article, "submit", excerpt="")
    assert "抜粋がありません。" in " ".join(messages_of(response))
    ready_article.refresh_from_db()
    assert ready_article.status == S.DRAFT


def test_editor_requests_changes_only_with_a_comment(client, editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    client.force_login(editor)
    response = press(client, ready_article, "request_changes")
    assert "差し戻す理由を、コメント欄か本文へのコメントに書いてください。" in messages_of(response)
    press(client, ready_article, "request_changes", _workflow_comment="数字の出典を")
    ready_article.refresh_from_db()
    assert ready_article.status == S.DRAFT
    assert Transition.objects.filter(to_status=S.DRAFT).get().comment == "数字の出典を"


def test_editor_approves_for_a_time_in_tokyo_and_reschedules(client, editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    client.force_login(editor)
    press(client, ready_article, "approve", publish_at_0="2030-01-01", publish_at_1="09:00:00")
    ready_article.refresh_from_db()
    assert ready_article.status == S.SCHEDULED
    assert ready_article.publish_at == datetime(2030, 1, 1, 0, 0, tzinfo=UTC)

    press(client, ready_article, "reschedule", _workflow_publish_at="2030-01-02T18:30")
    ready_article.refresh_from_db()
    assert ready_article.publish_at == datetime(2030, 1, 2, 9, 30, tzinfo=UTC)
    response = press(client, ready_article, "reschedule", _workflow_publish_at="来週")
    assert "日時の形式が正しくありません" in " ".join(messages_of(response))


def test_editing_a_scheduled_article_in_the_admin_returns_it_to_review(client, editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    workflow.approve(ready_article, by=editor, publish_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)
    ready_article.refresh_from_db()
    response = client.post(change_url(ready_article), change_form_data(ready_article, body="直しました。"))
    assert response.status_code == 302
    ready_article.refresh_from_db()
    assert ready_article.status == S.REVIEW
    assert ready_article.publish_at is not None
    assert "「公開予約」から「レビュー中」に変わりました" in " ".join(messages_of(response))


def test_saving_content_bumps_the_version_and_stores_a_revision(client, editor, ready_article):
    client.force_login(editor)
    client.post(change_url(ready_article), change_form_data(ready_article, body="新しい本文です。"))
    ready_article.refresh_from_db()
    assert ready_article.version == 2
    revision = Revision.objects.get(article=ready_article)
    assert (revision.version, revision.body, revision.author) == (2, "新しい本文です。", editor)
    # Saving an unchanged form stores nothing new.
    client.post(change_url(ready_article), change_form_data(ready_article))
    assert Revision.objects.filter(article=ready_article).count() == 1


def test_a_cut_off_body_moves_the_draft_to_continuation(client, writer, ready_article):
    client.force_login(writer)
    response = client.post(change_url(ready_article), change_form_data(ready_article, body="本文が途中で"))
    ready_article.refresh_from_db()
    assert ready_article.status == S.CONTINUATION
    assert "「下書き」から「続き待ち」に変わりました" in " ".join(messages_of(response))


def test_stale_form_is_refused_with_a_diff_and_keeps_the_text(client, editor, ready_article):
    client.force_login(editor)
    stale = change_form_data(ready_article, body="わたしの書いた本文です。")
    client.post(change_url(ready_article), change_form_data(ready_article, body="先に保存された本文です。"))

    response = client.post(change_url(ready_article), stale)

    assert response.status_code == 200
    html = response.content.decode()
    assert "他の人の保存と重なりました" in html
    assert "わたしの書いた本文です。" in html  # still in the form
    assert re.search(r"<ins>[^<]*わたし", html)  # the diff marks the editor's own words
    ready_article.refresh_from_db()
    assert ready_article.body == "先に保存された本文です。"
    assert response.context["adminform"].form["loaded_version"].value() == "2"


def test_change_form_shows_history_newest_first(client, editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    workflow.request_changes(ready_article, by=editor, comment="見出しを直して")
    client.force_login(editor)
    html = client.get(change_url(ready_article)).content.decode()
    assert html.index("レビュー中 → 下書き") < html.index("下書き → レビュー中")
    assert "見出しを直して" in html


def test_revision_diff_and_restore_views(client, editor, ready_article):
    first = revisions.record_revision(ready_article, by=editor)
    client.force_login(editor)
    client.post(
        change_url(ready_article),
        change_form_data(ready_article, body="## 背景\n\n推論の需要が急伸しています。"),
    )
    diff = client.get(
        reverse("admin:articles_article_revision_diff", args=[ready_article.pk]), {"from": first.pk}
    )
    assert "<ins>急</ins>" in diff.content.decode()
    restore_url = reverse("admin:articles_article_revision_restore", args=[ready_article.pk, first.pk])
    assert client.get(restore_url).status_code == 405
    client.post(restore_url)
    ready_article.refresh_from_db()
    assert ready_article.body == READY_BODY


def test_staff_preview_uses_the_public_template(client, writer, other_writer, ready_article):
    url = reverse("admin:articles_article_preview", args=[ready_article.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(writer)
    response = client.get(url)
    assert response.status_code == 200
    assert "プレビュー（読者にはまだ見えません）" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    client.force_login(other_writer)
    assert client.get(url).status_code == 403


def test_signed_preview_link_valid_expired_and_tampered(client, editor, writer, ready_article, settings):
    link_url = reverse("admin:articles_article_preview_link", args=[ready_article.pk])
    client.force_login(writer)
    assert client.post(link_url).status_code == 403
    client.force_login(editor)
    response = client.post(link_url)
    assert "共有用プレビューリンクを作りました" in " ".join(messages_of(response))
    client.logout()

    token = previews.preview_token(ready_article)
    url = reverse("editorial:shared_preview", kwargs={"token": token})
    shared = client.get(url)
    assert shared.status_code == 200
    assert ready_article.title in shared.content.decode()

    tampered = reverse(
        "editorial:shared_preview", kwargs={"token": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")}
    )
    assert client.get(tampered).status_code == 404

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PREVIEW_LINK_MAX_AGE + 60)):
        expired = client.get(url)
    assert expired.status_code == 403
    assert "有効期限が切れています" in expired.content.decode()


def test_writer_list_shows_only_their_articles(client, writer, other_writer, ready_article, category):
    make_article(title="他人の記事", authors=[other_writer.author_profile], categories=[category])
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert list(response.context["cl"].result_list) == [ready_article]


def test_waiting_for_review_view_for_editors(client, editor, writer, ready_article, category):
    make_article(title="下書きのまま", authors=[writer.author_profile], categories=[category])
    workflow.submit(ready_article, by=writer)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_changelist"), {"queue": "review"})
    assert list(response.context["cl"].result_list) == [ready_article]
    assert "レビュー待ち" in response.content.decode()


def test_any_two_revisions_can_be_compared(client, editor, ready_article):
    first = revisions.record_revision(ready_article, by=editor)
    Article.objects.filter(pk=ready_article.pk).update(body="二つ目の本文。", version=2)
    ready_article.refresh_from_db()
    second = revisions.record_revision(ready_article, by=editor)
    Article.objects.filter(pk=ready_article.pk).update(body="三つ目の本文。", version=3)
    client.force_login(editor)
    url = reverse("admin:articles_article_revision_diff", args=[ready_article.pk])
    html = client.get(url, {"from": first.pk, "to": second.pk}).content.decode()
    assert "<ins>二つ目の本文。</ins>" in html
    assert "三つ目" not in html.split('class="revision-picker"')[1].split("</form>")[1]
    change = client.get(change_url(ready_article)).content.decode()
    assert f"?from={first.pk}&amp;to={second.pk}" in change


def test_a_writer_who_leaves_themselves_out_of_the_authors_is_refused_and_keeps_the_form(
    client, writer, category
):
    from tests.editorial.test_admin import article_form_data

    client.force_login(writer)
    data = article_form_data(**{"categories": [str(category.pk)]})
    team = make_author(name="ALLFORCES編集部", slug="team", is_team=True)
    data["article_authors-0-author"] = str(team.pk)
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert not Article.objects.exists()
    html = response.content.decode()
    assert "あなた（山田 書子）を著者から外すと、保存したあとこの記事を開けなくなります。" in html
    assert "推論モデルの台頭" in html  # what was typed is still there

    data["article_authors-0-author"] = str(writer.author_profile.pk)
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    assert article.ordered_authors == [writer.author_profile]
    assert client.get(change_url(article)).status_code == 200


def test_a_content_save_never_writes_back_a_stage_that_moved_meanwhile(client, editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    ready_article.refresh_from_db()
    opened = change_form_data(ready_article, body=READY_BODY + "\n\n追記しました。")  # read while in review
    workflow.approve(ready_article, by=editor)  # published by someone else meanwhile
    ready_article.refresh_from_db()
    published_at = ready_article.published_at
    client.force_login(editor)
    response = client.post(change_url(ready_article), opened)
    assert response.status_code == 302
    ready_article.refresh_from_db()
    assert (ready_article.status, ready_article.published_at) == (S.PUBLISHED, published_at)
    # Published meanwhile, so the save waits as a pending version (issue 15, item 3).
    assert "追記しました。" not in ready_article.body
    assert "追記しました。" in PendingVersion.objects.get(article=ready_article).body


def test_malformed_ids_in_admin_urls_are_404s(client, editor, ready_article):
    client.force_login(editor)
    diff = reverse("admin:articles_article_revision_diff", args=[ready_article.pk])
    assert client.get(diff, {"from": "abc"}).status_code == 404
    continuation = reverse("admin:articles_article_continuation", args=[ready_article.pk])
    assert client.post(continuation, {"action": "choose", "leaf": "1 OR 1=1"}).status_code == 404


# The workflow panel (issue 15, item 6) ------------------------------------------


def test_the_panel_says_all_checks_passed_when_no_check_finds_anything(client, writer, ready_article):
    client.force_login(writer)
    assert "すべてのチェックに合格しました" in client.get(change_url(ready_article)).content.decode()
    Article.objects.filter(pk=ready_article.pk).update(excerpt="")
    html = client.get(change_url(ready_article)).content.decode()
    assert "すべてのチェックに合格しました" not in html
    assert "抜粋がありません。" in html


def test_a_button_its_guard_would_refuse_is_disabled_with_the_reasons_beside_it(
    client, writer, ready_article
):
    client.force_login(writer)
    html = client.get(change_url(ready_article)).content.decode()
    assert re.search(r'<button[^>]*value="submit"[^>]*>', html)
    assert not re.search(r'<button[^>]*value="submit"[^>]*disabled', html)

    Article.objects.filter(pk=ready_article.pk).update(excerpt="")
    html = client.get(change_url(ready_article)).content.decode()
    button = re.search(r'<button[^>]*value="submit"[^>]*>', html).group(0)
    assert "disabled" in button and 'aria-describedby="blocked-submit"' in button
    reasons = html.split('id="blocked-submit"', 1)[1].split("</div>", 1)[0]
    assert "抜粋がありません。" in reasons


def test_the_author_withdraws_a_submission_from_the_read_only_form(client, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    client.force_login(writer)
    html = client.get(change_url(ready_article)).content.decode()
    assert 'value="withdraw"' in html and 'name="_save"' not in html
    response = client.post(
        change_url(ready_article),
        {"_workflow": "withdraw", "_workflow_comment": "数字を見直します", "title": "書き換えようとした題"},
    )
    assert response.status_code == 302
    ready_article.refresh_from_db()
    assert (ready_article.status, ready_article.title) == (S.DRAFT, "推論モデルの台頭")
    withdrawal = Transition.objects.filter(to_status=S.DRAFT).get()
    assert (withdrawal.actor, withdrawal.comment) == (writer, "数字を見直します")


def test_an_editor_who_is_not_an_author_is_not_offered_withdraw(client, editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    client.force_login(editor)
    html = client.get(change_url(ready_article)).content.decode()
    assert 'value="request_changes"' in html and 'value="withdraw"' not in html


# Django's history page (issue 15, item 5) -----------------------------------------


def test_a_workflow_click_is_entered_in_django_s_history_instead_of_no_changes(
    client, editor, writer, ready_article
):
    from django.contrib.admin.models import LogEntry

    workflow.submit(ready_article, by=writer)
    client.force_login(editor)
    press(client, ready_article, "request_changes", _workflow_comment="出典を書いてください")
    entries = LogEntry.objects.filter(object_id=str(ready_article.pk)).order_by("pk")
    messages = [entry.get_change_message() for entry in entries]
    assert messages == ["下書き → レビュー中", "レビュー中 → 下書き（コメント: 出典を書いてください）"]
    assert [entry.user for entry in entries] == [writer, editor]
    history = client.get(reverse("admin:articles_article_history", args=[ready_article.pk])).content.decode()
    assert "レビュー中 → 下書き（コメント: 出典を書いてください）" in history
    assert "変更はありませんでした" not in history
