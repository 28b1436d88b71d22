"""The review of a pending version: sending a change to a live article to review,
sending it back, scheduling it, and the scheduler's batch that publishes due ones.

The article keeps its stage (published) throughout; where a change stands is on
its pending version: sent to review (``submitted_at``), sent back
(``sent_back_at``), scheduled (``publish_at``). Every verb locks the article row
before it reads the pending version, as a save of the form does
(``ArticleAdminForm.clean``): the same order everywhere, so two of them never
wait on each other in a circle. ``by=None`` is the scheduler.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from articles.models import Article, ArticleAuthor

from . import notifications, pending, tasks
from .exceptions import NotPermitted, WorkflowError
from .models import Notification, PendingVersion
from .roles import editors, is_author_of, is_editor

logger = logging.getLogger(__name__)

Kind = Notification.Kind


def _local(when: datetime) -> str:
    return f"{timezone.localtime(when):%Y-%m-%d %H:%M}"


def _log(article, *, by, message) -> None:
    if by is None:
        return  # an admin log entry names a user; the system's acts are in the revisions
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[article], action_flag=CHANGE, change_message=message, single_object=True
    )


def _after_commit(side_effect, *args) -> None:
    # The change stands whatever the broker says: a lost message is the periodic
    # sender's or sweep's to pick up, so a failure is logged, not raised.
    callback = partial(side_effect, *args)
    # Django names a failed callback by its __qualname__, which a partial lacks.
    callback.__qualname__ = getattr(side_effect, "__qualname__", repr(side_effect))
    transaction.on_commit(callback, robust=True)


def _locked(article, *, by, allowed, refusal) -> tuple[Article, PendingVersion]:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if by is not None and not allowed(by, locked):
        raise NotPermitted(refusal)
    proposed = pending.pending_of(locked)
    if proposed is None:
        raise WorkflowError("この記事に未公開の変更はありません（ほかの人がすでに公開または破棄しました）。")
    return locked, proposed


def _editor(user, article) -> bool:
    return is_editor(user)


def _author_or_editor(user, article) -> bool:
    return is_editor(user) or is_author_of(user, article)


def _tell(kind, article, *, recipients, actor, text) -> None:
    rows = notifications.record_event(kind, article, recipients=recipients, actor=actor, text=text)
    if any(row.email_status == Notification.Email.PENDING for row in rows):
        _after_commit(tasks.send_notifications.delay)


def submit(article, *, by, comment="") -> bool:
    """Send ``article``'s pending version to review, with an optional comment: its
    author or an editor. The editors are told (in the admin and by e-mail).
    False if it already awaits review."""
    with transaction.atomic():
        locked, proposed = _locked(
            article,
            by=by,
            allowed=_author_or_editor,
            refusal="未公開の変更をレビューに出せるのは、記事の著者と編集者だけです。",
        )
        if proposed.publish_at is not None:
            raise WorkflowError(
                f"この変更はすでに {_local(proposed.publish_at)} に公開予約されています。レビューに出す必要はありません。"
            )
        if proposed.submitted_at is not None:
            return False
        PendingVersion.objects.filter(pk=proposed.pk).update(
            submitted_at=timezone.now(),
            submitted_by=by,
            comment=comment,
            sent_back_at=None,
            sent_back_by=None,
            sent_back_comment="",
        )
        _tell(Kind.UPDATE_SUBMITTED, locked, recipients=editors(), actor=by, text=comment)
        note = f"（コメント: {comment}）" if comment else ""
        _log(locked, by=by, message=f"未公開の変更をレビューに出しました{note}。")
    return True


def request_changes(article, *, by, comment) -> bool:
    """Send a pending version in review back to whoever works on it, with the
    editor's reason: its authors and the one who sent it to review are told (in the
    admin, and by e-mail as for an article sent back), and it waits on their desk
    until they send it again. Editors only."""
    if not comment.strip():
        raise WorkflowError("差し戻す理由をコメントに書いてください。")
    with transaction.atomic():
        locked, proposed = _locked(
            article, by=by, allowed=_editor, refusal="未公開の変更を差し戻せるのは編集者だけです。"
        )
        if proposed.submitted_at is None:
            raise WorkflowError(
                "この変更はレビューに出されていないため、差し戻せません。直してほしい点は書いた人に伝えてください。"
            )
        recipients = [
            link.author.user
            for link in ArticleAuthor.objects.filter(
                article=locked, author__user__isnull=False
            ).select_related("author__user")
        ]
        if proposed.submitted_by is not None:
            recipients.append(proposed.submitted_by)
        PendingVersion.objects.filter(pk=proposed.pk).update(
            submitted_at=None,
            submitted_by=None,
            comment="",
            publish_at=None,
            scheduled_by=None,
            sent_back_at=timezone.now(),
            sent_back_by=by,
            sent_back_comment=comment,
        )
        pending.settle_review_notices(locked)
        _tell(Kind.CHANGES_REQUESTED, locked, recipients=recipients, actor=by, text=comment)
        _log(locked, by=by, message=f"未公開の変更を差し戻しました（コメント: {comment}）。")
    return True


def schedule(article, *, by, publish_at: datetime) -> bool:
    """Have the scheduler publish ``article``'s pending version at ``publish_at``
    (or move its time); a later save of the change clears it. Editors only."""
    if publish_at <= timezone.now():
        raise WorkflowError("公開予定日時には未来の日時を指定してください。")
    with transaction.atomic():
        locked, proposed = _locked(
            article, by=by, allowed=_editor, refusal="未公開の変更を公開予約できるのは編集者だけです。"
        )
        if problem := pending.slug_problem(locked, proposed):
            raise WorkflowError(problem)
        previous = proposed.publish_at
        PendingVersion.objects.filter(pk=proposed.pk).update(
            publish_at=publish_at, scheduled_by=by, sent_back_at=None, sent_back_by=None, sent_back_comment=""
        )
        pending.settle_review_notices(locked)
        _after_commit(tasks.arm_if_soon, publish_at)
        moved = f"（{_local(previous)} から変更）" if previous else ""
        _log(locked, by=by, message=f"未公開の変更を {_local(publish_at)} に公開予約しました{moved}。")
    return True


def unschedule(article, *, by) -> bool:
    """Cancel the schedule of ``article``'s pending version; the change goes back to
    review, as a scheduled article does. Editors only."""
    with transaction.atomic():
        locked, proposed = _locked(
            article, by=by, allowed=_editor, refusal="公開予約を取り消せるのは編集者だけです。"
        )
        if proposed.publish_at is None:
            raise WorkflowError("この変更は公開予約されていません。")
        PendingVersion.objects.filter(pk=proposed.pk).update(
            publish_at=None, scheduled_by=None, submitted_at=timezone.now()
        )
        _log(
            locked,
            by=by,
            message=f"未公開の変更の公開予約（{_local(proposed.publish_at)}）を取り消し、レビュー待ちに戻しました。",
        )
    return True


def due_updates():
    """The published articles whose pending version is scheduled and due by the
    database clock, longest due first: the sweep claims these rows."""
    return Article.objects.filter(
        status=Article.Status.PUBLISHED,
        pending_version__based_on_version=F("version"),
        pending_version__publish_at__lte=Now(),
    ).order_by("pending_version__publish_at", "pk")


def publish_due(article_ids) -> int:
    """The scheduler's verb for a batch of updates: publish the pending version of
    those of ``article_ids`` whose schedule is still due; return how many went live.

    The caller has claimed the article rows (``FOR UPDATE SKIP LOCKED``); they are
    locked again here and each pending version read under that lock, so one that
    was published, discarded, rescheduled or edited since the claim is left alone,
    and the pending row is deleted in the transaction that applies it: a second
    sweep finds nothing to publish twice.
    """
    published = 0
    with transaction.atomic():
        for locked in Article.objects.select_for_update().filter(pk__in=list(article_ids)).order_by("pk"):
            proposed = pending.current_pending().filter(article=locked, publish_at__lte=Now()).first()
            if proposed is None:
                continue
            if problem := pending.slug_problem(locked, proposed):
                _back_to_review(proposed, reason=problem)
                continue
            pending.apply(
                locked,
                proposed,
                by=None,
                note=f"公開予約した変更を公開（{_local(proposed.publish_at)} の予約）",
            )
            published += 1
    return published


def _back_to_review(proposed, *, reason) -> None:
    """A due update that cannot go live goes back to the editors' review queue with
    the reason, instead of being tried again every sweep."""
    logger.warning(
        "予約した変更を公開できませんでした", extra={"article_id": proposed.article_id, "reason": reason}
    )
    PendingVersion.objects.filter(pk=proposed.pk).update(
        publish_at=None,
        scheduled_by=None,
        submitted_at=timezone.now(),
        comment=f"予約した日時に公開できませんでした: {reason}",
    )


def moments_due_soon(start: datetime, end: datetime) -> set[datetime]:
    """The publish times of the updates scheduled after ``start`` up to ``end``."""
    return set(
        pending.current_pending()
        .filter(publish_at__gt=start, publish_at__lte=end)
        .values_list("publish_at", flat=True)
    )


def waiting_for(moment: datetime) -> bool:
    """Whether updates meant for ``moment`` (or before) are still waiting."""
    return pending.current_pending().filter(publish_at__lte=moment).exists()


def in_review_q() -> Q:
    """The articles whose change awaits the editors' review (sent, not scheduled), as a condition."""
    return Q(
        status=Article.Status.PUBLISHED,
        pending_version__based_on_version=F("version"),
        pending_version__submitted_at__isnull=False,
        pending_version__publish_at__isnull=True,
    )


@dataclass(frozen=True)
class Action:
    verb: str
    label: str
    style: str = "default"
    needs_time: bool = False


ACTIONS = {
    "submit": Action("submit", "レビューに出す", style="primary"),
    "publish": Action("publish", "今すぐ公開", style="primary"),
    "schedule": Action("schedule", "日時を指定して公開予約", needs_time=True),
    "reschedule": Action("schedule", "公開日時を変更", needs_time=True),
    "unschedule": Action("unschedule", "予約を取り消してレビューに戻す"),
    "request_changes": Action("request_changes", "差し戻す"),
}


def available_actions(proposed, article, user) -> list[Action]:
    """The banner's buttons for ``user`` on ``article``'s pending version ``proposed``;
    the verbs check everything again under the row lock."""
    actions = []
    scheduled = proposed.publish_at is not None
    if not scheduled and proposed.submitted_at is None and _author_or_editor(user, article):
        actions.append(ACTIONS["submit"])
    if is_editor(user):
        actions.append(ACTIONS["publish"])
        actions.append(ACTIONS["reschedule" if scheduled else "schedule"])
        if scheduled:
            actions.append(ACTIONS["unschedule"])
        if proposed.submitted_at is not None and not scheduled:
            actions.append(ACTIONS["request_changes"])
    return actions


def perform(verb, article, *, by, comment="", publish_at=None) -> str:
    """Dispatch a banner button by name; return what was done, in the editor's words."""
    if verb == "submit":
        if not submit(article, by=by, comment=comment):
            return "この変更はすでにレビュー待ちです。"
        return "未公開の変更をレビューに出しました。編集者に通知しました。"
    if verb == "request_changes":
        request_changes(article, by=by, comment=comment)
        return "未公開の変更を差し戻しました。書いた人に通知しました。"
    if verb == "schedule":
        if publish_at is None:
            raise WorkflowError("公開予定日時を指定してください。")
        schedule(article, by=by, publish_at=publish_at)
        return f"未公開の変更を {_local(publish_at)} に公開予約しました。その時刻まで読者には今の内容が表示されます。"
    if verb == "unschedule":
        unschedule(article, by=by)
        return "公開予約を取り消し、未公開の変更をレビュー待ちに戻しました。"
    if verb == "publish":
        pending.publish_pending(article, by=by)
        return "未公開の変更を公開しました。読者にも新しい内容が表示されます。"
    raise WorkflowError("不明な操作です。")
