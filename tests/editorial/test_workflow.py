import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import scheduling, workflow
from editorial.exceptions import GuardFailed, NotPermitted, TransitionNotAllowed, WorkflowError
from editorial.models import Notification, Transition
from tests.factories import make_article, make_scheduled_articles

pytestmark = pytest.mark.django_db

S = Article.Status

# verb -> (from, to, roles allowed). "approve" goes to scheduled or published
# depending on the publish time, so both count as already there.
RULES = {
    "submit": (S.DRAFT, S.REVIEW, {"author", "editor", "superuser"}),
    "request_changes": (S.REVIEW, S.DRAFT, {"editor", "superuser"}),
    "approve": (S.REVIEW, (S.PUBLISHED, S.SCHEDULED), {"editor", "superuser"}),
    "unschedule": (S.SCHEDULED, S.REVIEW, {"editor", "superuser"}),
    "publish": (S.SCHEDULED, S.PUBLISHED, {"editor", "superuser"}),
    "archive": (S.PUBLISHED, S.ARCHIVED, {"editor", "superuser"}),
    "reopen": (S.ARCHIVED, S.REVIEW, {"editor", "superuser"}),
    "mark_continuation": (S.DRAFT, S.CONTINUATION, {"editor", "superuser"}),
    "mark_complete": (S.CONTINUATION, S.DRAFT, {"editor", "superuser"}),
    # The author's own verb: an editor who is not an author uses request_changes.
    "withdraw": (S.REVIEW, S.DRAFT, {"author"}),
}
ROLES = ["author", "other_writer", "editor", "superuser"]


def set_stage(article, stage):
    """Put a test article in ``stage`` directly; only fixtures may do this."""
    fields = {"status": stage}
    if stage in (S.PUBLISHED, S.ARCHIVED):
        fields["published_at"] = fields["first_published_at"] = timezone.now() - timedelta(days=1)
    if stage == S.SCHEDULED:
        fields["publish_at"] = timezone.now() + timedelta(days=1)
    Article.objects.filter(pk=article.pk).update(**fields)
    article.refresh_from_db()


@pytest.fixture
def actors(writer, other_writer, editor, superuser):
    return {"author": writer, "other_writer": other_writer, "editor": editor, "superuser": superuser}


@pytest.mark.parametrize("verb", sorted(RULES))
@pytest.mark.parametrize("stage", list(S))
@pytest.mark.parametrize("role", ROLES)
def test_transition_table_for_every_role_and_stage(verb, stage, role, actors, ready_article):
    source, targets, allowed_roles = RULES[verb]
    targets = targets if isinstance(targets, tuple) else (targets,)
    set_stage(ready_article, stage)
    actor = actors[role]
    call = getattr(workflow, verb)
    kwargs = {"by": actor, "comment": "理由があります。"}

    if role not in allowed_roles:
        with pytest.raises(NotPermitted):
            call(ready_article, **kwargs)
        moved = False
    elif stage in targets:
        assert call(ready_article, **kwargs) is False  # already there: a no-op
        moved = False
    elif stage == source:
        assert call(ready_article, **kwargs) is True
        moved = True
    else:
        with pytest.raises(TransitionNotAllowed):
            call(ready_article, **kwargs)
        moved = False

    ready_article.refresh_from_db()
    assert ready_article.status == (targets[0] if moved else stage)
    assert Transition.objects.filter(article=ready_article).count() == (1 if moved else 0)


def test_refused_move_names_the_current_stage_and_the_allowed_moves(editor, ready_article):
    with pytest.raises(TransitionNotAllowed) as refused:
        workflow.archive(ready_article, by=editor)
    assert "「下書き」" in str(refused.value)
    assert "「続き待ち」、「レビュー中」" in str(refused.value)


def test_writer_cannot_approve_even_by_calling_the_verb(writer, ready_article):
    set_stage(ready_article, S.REVIEW)
    with pytest.raises(NotPermitted):
        workflow.approve(ready_article, by=writer)
    ready_article.refresh_from_db()
    assert ready_article.status == S.REVIEW


def test_writer_sees_only_submit_on_own_draft(writer, editor, ready_article):
    assert [a.verb for a in workflow.available_actions(ready_article, writer)] == ["submit"]
    assert [a.verb for a in workflow.available_actions(ready_article, editor)] == [
        "submit",
        "mark_continuation",
    ]
    set_stage(ready_article, S.REVIEW)
    assert [a.verb for a in workflow.available_actions(ready_article, writer)] == ["withdraw"]
    assert [a.verb for a in workflow.available_actions(ready_article, editor)] == [
        "approve",
        "request_changes",
    ]


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"title": " "}, "タイトルがありません。"),
        ({"excerpt": ""}, "抜粋がありません。"),
        ({"body": ""}, "本文がありません。"),
        (
            {"body": "推論の需要が伸びて"},
            "本文が文の途中で終わっています。続きを追加してください。（第1段落）",
        ),
    ],
)
def test_submit_guards_keep_the_draft_unchanged(writer, ready_article, change, problem):
    Article.objects.filter(pk=ready_article.pk).update(**change)
    ready_article.refresh_from_db()
    with pytest.raises(GuardFailed) as failed:
        workflow.submit(ready_article, by=writer)
    assert problem in failed.value.problems
    ready_article.refresh_from_db()
    assert ready_article.status == S.DRAFT
    assert not Transition.objects.exists()


def test_submit_needs_an_author_and_a_category(editor, ready_article):
    ready_article.article_authors.all().delete()
    ready_article.categories.clear()
    with pytest.raises(GuardFailed) as failed:
        workflow.submit(ready_article, by=editor)
    assert failed.value.problems == ["著者が指定されていません。", "カテゴリーが指定されていません。"]


def test_request_changes_needs_a_comment(editor, ready_article):
    set_stage(ready_article, S.REVIEW)
    with pytest.raises(WorkflowError, match="理由"):
        workflow.request_changes(ready_article, by=editor, comment="  ")
    ready_article.refresh_from_db()
    assert ready_article.status == S.REVIEW


def test_approve_with_a_future_time_schedules(editor, ready_article):
    set_stage(ready_article, S.REVIEW)
    when = timezone.now() + timedelta(hours=3)
    workflow.approve(ready_article, by=editor, publish_at=when)
    ready_article.refresh_from_db()
    assert (ready_article.status, ready_article.publish_at, ready_article.published_at) == (
        S.SCHEDULED,
        when,
        None,
    )


def test_approve_without_a_time_publishes_now(editor, ready_article):
    set_stage(ready_article, S.REVIEW)
    workflow.approve(ready_article, by=editor)
    ready_article.refresh_from_db()
    assert ready_article.status == S.PUBLISHED
    assert ready_article.published_at <= timezone.now()
    assert Article.objects.published().filter(pk=ready_article.pk).exists()


def test_scheduler_publishes_only_when_due(ready_article):
    set_stage(ready_article, S.SCHEDULED)
    with pytest.raises(GuardFailed, match="公開予定日時になっていません"):
        workflow.publish(ready_article, by=None)
    Article.objects.filter(pk=ready_article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert workflow.publish(ready_article, by=None) is True
    transition = Transition.objects.get(article=ready_article)
    assert transition.actor is None
    assert transition.actor_label == "システム（スケジューラー）"


def test_publishing_twice_writes_one_audit_row(ready_article):
    set_stage(ready_article, S.SCHEDULED)
    Article.objects.filter(pk=ready_article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert workflow.publish(ready_article, by=None) is True
    assert workflow.publish(ready_article, by=None) is False
    assert Transition.objects.filter(article=ready_article, to_status=S.PUBLISHED).count() == 1


def test_a_first_publication_sets_both_dates(editor, ready_article):
    set_stage(ready_article, S.REVIEW)
    workflow.approve(ready_article, by=editor)
    ready_article.refresh_from_db()
    assert ready_article.first_published_at == ready_article.published_at is not None


def test_republishing_an_archived_article_is_a_new_publication_keeping_the_first_date(editor, ready_article):
    set_stage(ready_article, S.ARCHIVED)
    first = ready_article.published_at
    workflow.reopen(ready_article, by=editor)
    workflow.approve(ready_article, by=editor)
    ready_article.refresh_from_db()
    assert ready_article.published_at > first + timedelta(hours=23)  # now, not a day ago
    assert ready_article.first_published_at == first


def test_republishing_through_the_schedule_goes_live_at_its_new_time(editor, ready_article):
    set_stage(ready_article, S.ARCHIVED)
    first = ready_article.published_at
    workflow.reopen(ready_article, by=editor)
    workflow.approve(ready_article, by=editor, publish_at=timezone.now() + timedelta(hours=1))
    Article.objects.filter(pk=ready_article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert scheduling.publish_due() == 1
    ready_article.refresh_from_db()
    assert ready_article.published_at >= ready_article.publish_at > first
    assert ready_article.first_published_at == first


def test_an_editors_publish_now_of_a_scheduled_republication_is_a_new_publication(editor, ready_article):
    set_stage(ready_article, S.ARCHIVED)
    first = ready_article.published_at
    workflow.reopen(ready_article, by=editor)
    workflow.approve(ready_article, by=editor, publish_at=timezone.now() + timedelta(days=2))
    workflow.publish(ready_article, by=editor)
    ready_article.refresh_from_db()
    assert ready_article.published_at > first + timedelta(hours=23)
    assert ready_article.first_published_at == first


def test_a_scheduled_first_publication_sets_both_dates_never_before_its_time(author):
    """The batch's rule: a host clock behind the database's never dates an article before its time."""
    due_at = timezone.now() - timedelta(seconds=1)
    article = make_scheduled_articles(1, at=due_at, author=author)[0]
    with time_machine.travel(due_at - timedelta(hours=1), tick=False):
        assert scheduling.publish_due() == 1
    article.refresh_from_db()
    assert article.published_at == article.first_published_at == due_at


def test_an_import_placed_as_published_with_a_future_date_is_scheduled_for_it(ready_article):
    when = timezone.now() + timedelta(hours=2)
    workflow.place_imported(ready_article, stage=S.PUBLISHED, published_at=when)
    ready_article.refresh_from_db()
    assert (ready_article.status, ready_article.publish_at, ready_article.published_at) == (
        S.SCHEDULED,
        when,
        None,
    )
    assert Transition.objects.get(article=ready_article).to_status == S.SCHEDULED


def published_on_reader_pages(client):
    cache.clear()  # each page rendered, not served from the page cache
    home = [article.title for article in client.get(reverse("articles:home")).context["articles"]]
    feed = re.findall(
        r"<item><title>([^<]*)</title>", client.get(reverse("articles:feed_rss")).content.decode()
    )
    return home, feed


def test_a_republished_article_is_the_newest_on_home_and_in_the_feed_and_links_back(
    client, editor, ready_article, author
):
    older = make_article(
        title="その前の記事", published=True, published_at=timezone.now() - timedelta(days=10)
    )
    set_stage(ready_article, S.ARCHIVED)
    Article.objects.filter(pk=ready_article.pk).update(
        published_at=timezone.now() - timedelta(days=5), first_published_at=timezone.now() - timedelta(days=5)
    )
    between = make_article(
        title="その間に出た記事", published=True, published_at=timezone.now() - timedelta(days=2)
    )
    workflow.reopen(ready_article, by=editor)
    workflow.approve(ready_article, by=editor)
    in_order = ["推論モデルの台頭", "その間に出た記事", "その前の記事"]
    assert published_on_reader_pages(client) == (in_order, in_order)
    cache.clear()
    page = client.get(ready_article.get_absolute_url())
    assert (page.context["previous_article"].pk, page.context["next_article"]) == (between.pk, None)
    cache.clear()
    assert client.get(between.get_absolute_url()).context["next_article"].pk == ready_article.pk
    cache.clear()
    assert client.get(older.get_absolute_url()).context["next_article"].pk == between.pk


def test_reschedule_keeps_the_stage_and_is_audited(editor, ready_article):
    set_stage(ready_article, S.SCHEDULED)
    later = timezone.now() + timedelta(days=2)
    workflow.reschedule(ready_article, by=editor, publish_at=later)
    ready_article.refresh_from_db()
    assert (ready_article.status, ready_article.publish_at) == (S.SCHEDULED, later)
    assert "公開予定日時を変更" in Transition.objects.get(article=ready_article).comment


def test_reschedule_refuses_a_past_time_and_writers(editor, writer, ready_article):
    set_stage(ready_article, S.SCHEDULED)
    with pytest.raises(WorkflowError, match="未来の日時"):
        workflow.reschedule(ready_article, by=editor, publish_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(NotPermitted):
        workflow.reschedule(ready_article, by=writer, publish_at=timezone.now() + timedelta(days=1))


def test_editing_a_scheduled_article_sends_it_back_to_review_keeping_the_time(editor, ready_article):
    set_stage(ready_article, S.SCHEDULED)
    planned = ready_article.publish_at
    assert workflow.content_saved(ready_article, by=editor) is True
    ready_article.refresh_from_db()
    assert (ready_article.status, ready_article.publish_at) == (S.REVIEW, planned)
    assert "再承認" in Transition.objects.get(article=ready_article).comment


def test_truncated_draft_moves_to_continuation_and_back(ready_article):
    Article.objects.filter(pk=ready_article.pk).update(body="推論の需要が伸びて")
    ready_article.refresh_from_db()
    assert workflow.sync_continuation(ready_article) is True
    assert ready_article.status == S.CONTINUATION
    Article.objects.filter(pk=ready_article.pk).update(
        body="推論の需要が伸びています。投資助言ではありません。"
    )
    ready_article.refresh_from_db()
    assert workflow.sync_continuation(ready_article) is True
    assert ready_article.status == S.DRAFT
    actors = list(Transition.objects.values_list("actor", flat=True))
    assert actors == [None, None]


def test_continuation_cannot_be_left_while_the_body_is_cut_off(editor, ready_article):
    Article.objects.filter(pk=ready_article.pk).update(status=S.CONTINUATION, body="推論の需要が伸びて")
    ready_article.refresh_from_db()
    with pytest.raises(GuardFailed):
        workflow.mark_complete(ready_article, by=editor)


def test_side_effects_wait_for_the_commit(
    writer, editor, ready_article, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("INFO", logger="editorial.workflow")
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.submit(ready_article, by=writer)
    # The log line and the sender of the editors' notification, neither before the commit;
    # the notification itself is a row of the same transaction.
    assert len(callbacks) == 2
    assert "send_notifications" in repr(callbacks[1])
    assert list(Notification.objects.values_list("recipient", flat=True)) == [editor.pk]
    assert caplog.records == []


def test_transitions_are_logged_with_the_article_and_the_move(writer, ready_article, caplog):
    caplog.set_level("INFO", logger="editorial.workflow")
    with TestCase.captureOnCommitCallbacks(execute=True):
        workflow.submit(ready_article, by=writer)
    (record,) = caplog.records
    assert record.article_id == ready_article.pk
    assert record.transition == "draft->review"
    assert record.actor == "writer"


def test_failed_transition_queues_nothing(writer, ready_article, django_capture_on_commit_callbacks):
    Article.objects.filter(pk=ready_article.pk).update(excerpt="")
    ready_article.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(GuardFailed):
        workflow.submit(ready_article, by=writer)
    assert callbacks == []


def test_a_withdrawal_marks_the_editors_notices_of_the_submission_read(ready_article, writer, editor):
    from editorial.models import Notification

    workflow.submit(ready_article, by=writer)
    notices = Notification.objects.filter(article=ready_article, kind=Notification.Kind.SUBMITTED)
    assert notices.filter(recipient=editor, read_at__isnull=True).exists()
    workflow.withdraw(ready_article, by=writer)
    assert notices.exists() and not notices.filter(read_at__isnull=True).exists()
    # Submitted again, it asks the editors again.
    workflow.submit(ready_article, by=writer)
    assert notices.filter(recipient=editor, read_at__isnull=True).count() == 1
