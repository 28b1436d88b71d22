"""A change to a live article goes to review, is sent back, scheduled or published
(issue 15, item 3): who may do which, what they are told, and the desk."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import notifications, pending, pending_review, scheduling, tasks, workflow
from editorial.exceptions import NotPermitted, WorkflowError
from editorial.models import Notification, PendingVersion, Revision, Transition
from tests.editorial.live_articles import (
    LIVE_BODY,
    change_url,
    make_live_article,
    pending_form_data,
    reader_page,
    save_in_admin,
)
from tests.factories import make_article

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
Kind = Notification.Kind


@pytest.fixture
def live_article(writer, category):
    return make_live_article(writer, category)


@pytest.fixture
def proposed(client, writer, live_article):
    """``writer`` has saved a change to their live article, not yet sent to review."""
    client.force_login(writer)
    save_in_admin(client, live_article, body="ライターの書き直した本文です。")
    live_article.refresh_from_db()
    return pending.pending_of(live_article)


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def press(client, article, verb, **fields):
    """A button of the pending-version banner, pressed on the change form as it is now."""
    article.refresh_from_db()
    return save_in_admin(client, article, _pending=verb, **fields)


def desk_of(user):
    client = Client()
    client.force_login(user)
    return client.get(reverse("admin:index"))


def in_a_minute():
    return timezone.now() + timedelta(minutes=1)


def due_by_the_database_clock(proposed):
    """Time passes for a scheduled change: the sweep asks PostgreSQL's clock, which
    time_machine does not move, so the schedule is moved to a second ago instead."""
    PendingVersion.objects.filter(pk=proposed.pk, publish_at__isnull=False).update(
        publish_at=timezone.now() - timedelta(seconds=1)
    )


# Sending to review -----------------------------------------------------------------


def test_a_writer_s_saved_change_shows_them_the_button_to_send_it_to_review(client, writer, proposed):
    page = client.get(change_url(proposed.article)).content.decode()

    assert 'name="_pending" value="submit"' in page and "レビューに出す" in page
    assert 'name="_pending_comment"' in page
    assert 'value="publish"' not in page and 'value="schedule"' not in page


def test_a_writer_sends_their_change_to_review_with_a_comment_and_the_editors_are_told(
    client, writer, editor, superuser, proposed, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks() as callbacks:
        response = press(client, proposed.article, "submit", _pending_comment="図の出典を足しました。")

    assert "未公開の変更をレビューに出しました。" in said(response)
    proposed.refresh_from_db()
    assert proposed.submitted_by == writer and proposed.comment == "図の出典を足しました。"
    assert proposed.submitted_at is not None and proposed.in_review
    told = Notification.objects.filter(kind=Kind.UPDATE_SUBMITTED)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["chief", "editor"]
    assert {(row.transition, row.actor, row.text, row.email_status) for row in told} == {
        (None, writer, "図の出典を足しました。", Notification.Email.PENDING)
    }
    assert any("send_notifications" in repr(callback) for callback in callbacks)
    notifications.deliver_pending()
    (message, _) = sorted(mail.outbox, key=lambda message: message.to)
    assert message.subject == "[ALLFORCES] 変更のレビュー依頼: 公開中のタイトル"
    assert "図の出典を足しました。" in message.body
    page = client.get(change_url(proposed.article)).content.decode()
    assert "レビュー待ち" in page and 'value="submit"' not in page


def test_the_one_who_sends_a_change_is_not_told_of_it(editor, superuser, live_article, client):
    client.force_login(editor)
    save_in_admin(client, live_article, body="編集者の変更です。")

    assert pending_review.submit(live_article, by=editor) is True

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["chief"]


def test_sending_a_change_twice_says_it_already_waits(client, editor, proposed):
    press(client, proposed.article, "submit")

    response = press(client, proposed.article, "submit")

    assert "この変更はすでにレビュー待ちです。" in said(response)
    assert Notification.objects.filter(kind=Kind.UPDATE_SUBMITTED).count() == 1


def test_a_writer_cannot_send_a_change_to_another_writer_s_article(other_writer, proposed):
    with pytest.raises(NotPermitted, match="記事の著者と編集者だけです"):
        pending_review.submit(proposed.article, by=other_writer)
    proposed.refresh_from_db()
    assert proposed.submitted_at is None


def test_there_is_nothing_to_send_without_a_pending_version(writer, live_article):
    with pytest.raises(WorkflowError, match="未公開の変更はありません"):
        pending_review.submit(live_article, by=writer)


def test_a_later_save_keeps_the_change_in_review(client, proposed):
    press(client, proposed.article, "submit")

    response = save_in_admin(client, proposed.article, body="レビュー待ちの間に直した本文です。")

    assert "レビュー待ちのまま" in said(response)
    proposed.refresh_from_db()
    assert proposed.in_review and proposed.body == "レビュー待ちの間に直した本文です。"


# The editor's desk -------------------------------------------------------------------


def test_the_desk_lists_changes_sent_to_review_beside_articles_oldest_first(
    editor, writer, proposed, ready_article
):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
    with time_machine.travel(start, tick=False):
        pending_review.submit(proposed.article, by=writer)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        workflow.submit(ready_article, by=writer)

    with time_machine.travel(start + timedelta(days=2, hours=1), tick=False):
        response = desk_of(editor)

    queue = response.context["desk"].review_queue
    assert [(w.article.title, w.waited, w.is_update) for w in queue] == [
        ("公開中のタイトル", "2日", True),
        ("推論モデルの台頭", "1日", False),
    ]
    assert response.context["desk"].review_total == 2
    html = response.content.decode()
    assert html.count("公開中の記事の変更") == 1
    assert reverse("admin:articles_article_pending_diff", args=[proposed.article.pk]) in html


def test_the_review_filter_of_the_article_list_includes_changes_sent_to_review(
    client, editor, writer, proposed, ready_article
):
    pending_review.submit(proposed.article, by=writer)
    client.force_login(editor)

    response = client.get(reverse("admin:articles_article_changelist") + "?queue=review")

    assert [article.pk for article in response.context["cl"].result_list] == [proposed.article.pk]


def test_a_change_that_was_not_sent_is_not_on_the_editor_s_desk(editor, proposed):
    assert desk_of(editor).context["desk"].review_queue == []


# Sending back ---------------------------------------------------------------------------


def test_an_editor_sends_a_change_back_and_the_writer_is_told_and_finds_it_on_their_desk(
    writer, editor, proposed, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    pending_review.submit(proposed.article, by=writer)
    editor_client = Client()
    editor_client.force_login(editor)

    response = press(
        editor_client, proposed.article, "request_changes", _pending_comment="数字の出典をお願いします。"
    )

    assert "差し戻しました" in said(response)
    proposed.refresh_from_db()
    assert (proposed.submitted_at, proposed.sent_back_by, proposed.sent_back_comment) == (
        None,
        editor,
        "数字の出典をお願いします。",
    )
    (told,) = Notification.objects.filter(kind=Kind.CHANGES_REQUESTED)
    assert (told.recipient, told.transition, told.actor, told.text) == (
        writer,
        None,
        editor,
        "数字の出典をお願いします。",
    )
    notifications.deliver_pending()
    assert "「公開中のタイトル」の未公開の変更が" in next(
        m.body for m in mail.outbox if m.to == [writer.email]
    )
    # The editors' notices of the submission are settled: it no longer awaits them.
    assert not Notification.objects.filter(kind=Kind.UPDATE_SUBMITTED, read_at__isnull=True).exists()
    desk = desk_of(writer)
    (sent_back,) = desk.context["desk"].sent_back
    assert (sent_back.article.pk, sent_back.actor, sent_back.comment, sent_back.is_update) == (
        proposed.article.pk,
        editor,
        "数字の出典をお願いします。",
        True,
    )
    assert "数字の出典をお願いします。" in desk.content.decode()
    writer_client = Client()
    writer_client.force_login(writer)
    assert "差し戻されました" in writer_client.get(change_url(proposed.article)).content.decode()

    pending_review.submit(proposed.article, by=writer)
    assert desk_of(writer).context["desk"].sent_back == []


def test_sending_back_needs_a_reason(writer, editor, proposed):
    pending_review.submit(proposed.article, by=writer)
    with pytest.raises(WorkflowError, match="差し戻す理由をコメントに書いてください"):
        pending_review.request_changes(proposed.article, by=editor, comment=" ")


def test_only_a_change_sent_to_review_can_be_sent_back(editor, proposed):
    with pytest.raises(WorkflowError, match="レビューに出されていないため、差し戻せません"):
        pending_review.request_changes(proposed.article, by=editor, comment="直してください。")


# Who may do what -----------------------------------------------------------------------

EDITOR_ONLY = {
    "request_changes": "未公開の変更を差し戻せるのは編集者だけです。",
    "schedule": "未公開の変更を公開予約できるのは編集者だけです。",
    "unschedule": "公開予約を取り消せるのは編集者だけです。",
    "publish": "未公開の変更を公開できるのは編集者だけです。",
}


@pytest.mark.parametrize("verb", EDITOR_ONLY)
def test_a_writer_pressing_an_editor_s_button_is_refused_in_japanese(client, writer, editor, proposed, verb):
    pending_review.submit(proposed.article, by=writer)
    if verb == "unschedule":
        pending_review.schedule(proposed.article, by=editor, publish_at=in_a_minute())
    before = PendingVersion.objects.filter(pk=proposed.pk).values().get()

    response = press(
        client,
        proposed.article,
        verb,
        _pending_comment="自分で差し戻す",
        _pending_publish_at=f"{timezone.localtime(in_a_minute()):%Y-%m-%dT%H:%M}",
    )

    assert response.status_code == 302
    assert EDITOR_ONLY[verb] in said(response)
    after = PendingVersion.objects.filter(pk=proposed.pk).values().get()
    assert {key: after[key] for key in ("submitted_at", "publish_at", "sent_back_at")} == {
        key: before[key] for key in ("submitted_at", "publish_at", "sent_back_at")
    }
    proposed.article.refresh_from_db()
    assert proposed.article.body == LIVE_BODY


@pytest.mark.parametrize("verb", ["submit", *EDITOR_ONLY])
def test_another_writer_can_press_no_button_of_the_change(other_writer, proposed, verb):
    client = Client()
    client.force_login(other_writer)

    response = press(client, proposed.article, verb, _pending_comment="他人の操作")

    # The admin answers as for an article that does not exist (docs/workflow.md).
    assert response.status_code == 302 and "見つかりませんでした" in said(response)
    after = PendingVersion.objects.get(pk=proposed.pk)
    assert (after.submitted_at, after.sent_back_at, after.publish_at, after.body) == (
        None,
        None,
        None,
        "ライターの書き直した本文です。",
    )


@pytest.mark.parametrize(
    "verb, call",
    [
        ("submit", lambda article, user: pending_review.submit(article, by=user)),
        (
            "request_changes",
            lambda article, user: pending_review.request_changes(article, by=user, comment="理由"),
        ),
        (
            "schedule",
            lambda article, user: pending_review.schedule(article, by=user, publish_at=in_a_minute()),
        ),
        ("publish", lambda article, user: pending.publish_pending(article, by=user)),
        ("discard", lambda article, user: pending.discard_pending(article, by=user)),
    ],
)
@pytest.mark.parametrize("who, allowed", [("writer", {"submit"}), ("other_writer", set()), ("editor", None)])
def test_every_verb_checks_who_acts_on_the_server(request, proposed, verb, call, who, allowed):
    user = request.getfixturevalue(who)
    if verb == "request_changes":
        PendingVersion.objects.filter(pk=proposed.pk).update(submitted_at=timezone.now())
    if allowed is not None and verb not in allowed:
        with pytest.raises(NotPermitted):
            call(proposed.article, user)
    else:
        call(proposed.article, user)


# Scheduling ------------------------------------------------------------------------------


def test_an_editor_schedules_a_change_and_the_sweep_publishes_it_once_when_due(
    client, writer, editor, proposed, django_capture_on_commit_callbacks
):
    pending_review.submit(proposed.article, by=writer)
    editor_client = Client()
    editor_client.force_login(editor)
    when = timezone.localtime(timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)

    response = press(
        editor_client, proposed.article, "schedule", _pending_publish_at=f"{when:%Y-%m-%dT%H:%M}"
    )

    assert f"{when:%Y-%m-%d %H:%M} に公開予約しました" in said(response)
    proposed.refresh_from_db()
    assert (proposed.publish_at, proposed.scheduled_by, proposed.in_review) == (when, editor, False)
    assert not Notification.objects.filter(kind=Kind.UPDATE_SUBMITTED, read_at__isnull=True).exists()
    assert LogEntry.objects.filter(change_message__contains="に公開予約しました").exists()
    page = editor_client.get(change_url(proposed.article)).content.decode()
    assert "に自動で公開されます" in page and 'value="unschedule"' in page

    assert scheduling.publish_due() == 0  # not before its time
    due_by_the_database_clock(proposed)
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduling.publish_due() == 1
        assert scheduling.publish_due() == 0
    assert "ライターの書き直した本文です。" in reader_page(Client(), proposed.article)

    article = Article.objects.get(pk=proposed.article.pk)
    assert article.body == "ライターの書き直した本文です。"
    assert not PendingVersion.objects.filter(article=article).exists()
    (revision,) = Revision.objects.filter(article=article, note__startswith="公開予約した変更を公開")
    assert revision.author is None and revision.version == article.version


def test_a_sweep_after_a_due_update_was_published_or_discarded_publishes_nothing(editor, proposed):
    PendingVersion.objects.filter(pk=proposed.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    ids = list(pending_review.due_updates().values_list("pk", flat=True))
    pending.discard_pending(proposed.article, by=editor)

    assert pending_review.publish_due(ids) == 0
    proposed.article.refresh_from_db()
    assert proposed.article.body == LIVE_BODY


def test_a_save_after_scheduling_clears_the_schedule_says_so_and_puts_the_change_back_in_review(
    client, writer, editor, proposed
):
    when = timezone.now() + timedelta(hours=3)
    pending_review.schedule(proposed.article, by=editor, publish_at=when)

    response = save_in_admin(client, proposed.article, body="予約のあとに直した本文です。")

    message = said(response)
    assert f"{timezone.localtime(when):%Y-%m-%d %H:%M} の公開予約を取り消しました。" in message
    assert "レビュー待ちに戻りました" in message
    proposed.refresh_from_db()
    assert proposed.publish_at is None and proposed.in_review
    assert "再承認が必要です" in proposed.comment
    due_by_the_database_clock(proposed)  # had the schedule been kept
    assert scheduling.publish_due() == 0
    assert [w.article.pk for w in desk_of(editor).context["desk"].review_queue] == [proposed.article.pk]


def test_unscheduling_a_change_puts_it_back_in_review(editor, proposed):
    pending_review.schedule(proposed.article, by=editor, publish_at=in_a_minute())

    pending_review.unschedule(proposed.article, by=editor)

    proposed.refresh_from_db()
    assert proposed.publish_at is None and proposed.in_review
    with pytest.raises(WorkflowError, match="公開予約されていません"):
        pending_review.unschedule(proposed.article, by=editor)


def test_a_change_cannot_be_scheduled_in_the_past(editor, proposed):
    with pytest.raises(WorkflowError, match="未来の日時を指定してください"):
        pending_review.schedule(proposed.article, by=editor, publish_at=timezone.now() - timedelta(minutes=1))


def test_the_schedule_button_without_a_time_asks_for_one(client, editor, proposed):
    client.force_login(editor)
    response = press(client, proposed.article, "schedule")
    assert "公開予定日時を指定してください。" in said(response)


def test_scheduling_a_change_for_a_near_time_arms_a_sweep_after_commit(
    editor, proposed, settings, django_capture_on_commit_callbacks
):
    when = timezone.now() + timedelta(seconds=5)
    with django_capture_on_commit_callbacks() as callbacks:
        pending_review.schedule(proposed.article, by=editor, publish_at=when)
    armed = [callback for callback in callbacks if getattr(callback, "func", None) is tasks.arm_if_soon]
    assert [callback.args for callback in armed] == [(when,)]
    assert scheduling.moments_due_soon(settings.SWEEP_LOOKAHEAD) == [when]
    assert scheduling.waiting_for(when) is True


def test_the_desk_s_week_lists_scheduled_changes_beside_scheduled_articles(editor, writer, proposed):
    now = datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)
    make_article(
        title="予約した記事",
        authors=[writer.author_profile],
        status=Article.Status.SCHEDULED,
        publish_at=datetime(2026, 12, 3, 9, 0, tzinfo=TOKYO),
    )
    with time_machine.travel(now, tick=False):
        pending_review.schedule(
            proposed.article, by=editor, publish_at=datetime(2026, 12, 2, 23, 0, tzinfo=TOKYO)
        )
        for user in (editor, writer):
            response = desk_of(user)
            scheduled = response.context["desk"].scheduled
            assert [(article.title, article.is_update) for article in scheduled] == [
                ("公開中のタイトル", True),
                ("予約した記事", False),
            ]
    html = response.content.decode()
    assert "12月2日（水）23:00" in html and "12月3日（木）09:00" in html
    assert html.count("公開中の記事の変更") == 1


def test_a_due_change_whose_address_was_taken_goes_back_to_review_not_live(editor, author, proposed):
    PendingVersion.objects.filter(pk=proposed.pk).update(slug="taken")
    pending_review.schedule(proposed.article, by=editor, publish_at=in_a_minute())
    Article.objects.create(title="別の記事", slug="taken", body="本文。")
    due_by_the_database_clock(proposed)

    assert scheduling.publish_due() == 0

    proposed.refresh_from_db()
    assert proposed.publish_at is None and proposed.in_review
    assert "スラッグ「taken」はほかの記事が使っています" in proposed.comment
    proposed.article.refresh_from_db()
    assert proposed.article.body == LIVE_BODY


def test_the_dry_run_lists_due_changes_and_publishes_nothing(editor, proposed):
    from io import StringIO

    from django.core.management import call_command

    PendingVersion.objects.filter(pk=proposed.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()

    call_command("publish_scheduled", "--dry-run", stdout=out)

    assert "公開予定日時を過ぎた公開中の記事の変更: 1 件" in out.getvalue()
    assert PendingVersion.objects.filter(pk=proposed.pk).exists()


# "Updated" on the reader page -------------------------------------------------------------


def test_updated_moves_when_a_change_is_published_never_when_it_is_saved(
    client, editor, writer, live_article, django_capture_on_commit_callbacks
):
    client.force_login(writer)
    updated = Article.objects.get(pk=live_article.pk).updated_at
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        save_in_admin(client, live_article, body="保存しただけの本文です。")
        pending_review.submit(live_article, by=writer)
    assert Article.objects.get(pk=live_article.pk).updated_at == updated
    assert "更新）" not in reader_page(Client(), live_article)

    published = timezone.now() + timedelta(hours=2)
    with time_machine.travel(published, tick=False), django_capture_on_commit_callbacks(execute=True):
        pending.publish_pending(live_article, by=editor)

    assert Article.objects.get(pk=live_article.pk).updated_at == published
    page = reader_page(Client(), live_article)
    shown = timezone.localtime(published)
    assert f'<time datetime="{shown.isoformat()}">{shown:%Y年%-m月%-d日}</time> 更新）' in page


def test_updated_moves_when_the_scheduler_publishes_a_change(editor, proposed):
    updated = Article.objects.get(pk=proposed.article.pk).updated_at
    due = timezone.now() + timedelta(hours=1)
    pending_review.schedule(proposed.article, by=editor, publish_at=due)
    assert Article.objects.get(pk=proposed.article.pk).updated_at == updated

    due_by_the_database_clock(proposed)

    with time_machine.travel(due + timedelta(seconds=3), tick=False):
        assert scheduling.publish_due() == 1

    assert Article.objects.get(pk=proposed.article.pk).updated_at == due + timedelta(seconds=3)


# Archiving --------------------------------------------------------------------------------


def test_archiving_drops_the_change_and_its_schedule_and_the_audit_says_why(editor, writer, proposed):
    pending_review.submit(proposed.article, by=writer)
    pending_review.schedule(proposed.article, by=editor, publish_at=in_a_minute())

    workflow.archive(proposed.article, by=editor, comment="誤報のため")

    article = Article.objects.get(pk=proposed.article.pk)
    assert article.status == Article.Status.ARCHIVED
    assert not PendingVersion.objects.filter(article=article).exists()
    transition = Transition.objects.get(article=article, to_status=Article.Status.ARCHIVED)
    assert transition.comment.startswith("誤報のため\n")
    assert "未公開の変更とその公開予約を破棄しました" in transition.comment
    assert LogEntry.objects.filter(
        object_id=str(article.pk), change_message__contains="未公開の変更とその公開予約を破棄しました"
    ).exists()
    assert not pending_review.due_updates().exists() and scheduling.publish_due() == 0
    assert Article.objects.get(pk=article.pk).status == Article.Status.ARCHIVED


def test_archiving_an_article_without_a_change_says_nothing_of_one(editor, live_article):
    workflow.archive(live_article, by=editor)
    assert Transition.objects.get(article=live_article).comment == ""


def test_archiving_from_the_form_says_the_change_was_dropped(client, editor, proposed):
    client.force_login(editor)
    proposed.article.refresh_from_db()

    response = save_in_admin(client, proposed.article, _workflow="archive")

    assert "未公開の変更（公開予約を含む）は破棄しました" in said(response)
    assert not PendingVersion.objects.filter(article=proposed.article).exists()


def test_a_form_opened_on_the_change_before_the_archive_cannot_write_it_into_the_archived_article(
    client, editor, proposed
):
    proposed.article.refresh_from_db()
    opened = pending_form_data(proposed.article, body="アーカイブ前に開いた画面の本文です。")
    workflow.archive(proposed.article, by=editor)
    client.force_login(editor)

    response = client.post(change_url(proposed.article), opened)

    assert response.status_code == 200
    assert "他の人の保存と重なりました" in response.content.decode()
    assert Article.objects.get(pk=proposed.article.pk).body == LIVE_BODY


# The writer hears that their change went live -------------------------------------------


def test_the_writer_is_told_when_an_editor_publishes_their_change(proposed, live_article, writer, editor):
    pending.publish_pending(live_article, by=editor)
    [told] = Notification.objects.filter(recipient=writer, kind=Kind.PUBLISHED)
    assert told.transition is None and told.actor == editor
    assert told.message == "公開中の記事への変更が公開されました。"
    notifications.deliver_pending()
    [message] = [m for m in mail.outbox if m.to == [writer.email]]
    assert f"「{live_article.title}」への変更をeditor さんが公開しました。" in message.body


def test_the_writer_is_told_when_the_sweep_publishes_their_scheduled_change(
    proposed, live_article, writer, editor
):
    pending_review.submit(live_article, by=writer)
    pending_review.schedule(live_article, by=editor, publish_at=in_a_minute())
    due_by_the_database_clock(
        pending.pending_of(live_article) or PendingVersion.objects.get(article=live_article)
    )
    assert scheduling.publish_due() >= 1
    notifications.deliver_pending()
    [message] = [m for m in mail.outbox if m.to == [writer.email] and "公開されました" in m.subject]
    assert "への変更を公開予定日時になり自動で公開しました。" in message.body


def test_the_schedule_page_lists_scheduled_changes_beside_scheduled_articles(
    proposed, live_article, writer, editor, ready_article
):
    pending_review.submit(live_article, by=writer)
    pending_review.schedule(live_article, by=editor, publish_at=timezone.now() + timedelta(days=1, minutes=5))
    workflow.submit(ready_article, by=writer)
    workflow.approve(ready_article, by=editor, publish_at=timezone.now() + timedelta(days=1))
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_schedule")).content.decode()
    assert page.index(ready_article.title) < page.index("公開中の記事の変更") < page.index(live_article.title)
