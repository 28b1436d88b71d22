"""The one doorway for every stage change of an article.

Each verb locks the article row, checks who is acting, the transition table
and the guards, saves, writes the audit row and the notifications it calls for in the same
transaction and queues its side effects for after the commit. Admin actions, management
commands, Celery tasks and tests all call these functions; nothing else
assigns ``Article.status``. ``by=None`` means the system (the scheduler, the
truncation detector) and is the only way to skip the permission check.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest, Now
from django.utils import timezone

from articles import freshness
from articles.models import Article, refresh_live_copies

from . import admin_history, notifications, tasks
from .checks import review_findings
from .comments import threads
from .continuation.truncation import is_truncated
from .editing import WORKFLOW_FIELDS
from .exceptions import GuardFailed, NotPermitted, TransitionNotAllowed, WorkflowError
from .models import Notification, PendingVersion, Transition
from .roles import is_author_of, is_editor

Status = Article.Status

logger = logging.getLogger(__name__)

TRANSITIONS = {
    Status.DRAFT: (Status.CONTINUATION, Status.REVIEW),
    Status.CONTINUATION: (Status.DRAFT,),
    Status.REVIEW: (Status.DRAFT, Status.SCHEDULED, Status.PUBLISHED),
    Status.SCHEDULED: (Status.REVIEW, Status.PUBLISHED),
    Status.PUBLISHED: (Status.ARCHIVED,),
    Status.ARCHIVED: (Status.REVIEW,),
}


def _editor_only(user, article):
    return is_editor(user)


def _author_or_editor(user, article):
    return is_editor(user) or is_author_of(user, article)


def _author_only(user, article):
    return is_author_of(user, article)


def submission_problems(article) -> list[str]:
    """What stops ``article`` from going to review, in the editor's words:
    missing essentials and every blocking review check."""
    problems = []
    if not article.title.strip():
        problems.append("タイトルがありません。")
    if not article.body.strip():
        problems.append("本文がありません。")
    if not article.article_authors.exists():
        problems.append("著者が指定されていません。")
    problems += [
        f"{finding.message}（{finding.where}）" if finding.where else finding.message
        for finding in review_findings(article)
        if finding.blocking
    ]
    return problems


def _not_allowed_message(article, source, target):
    allowed = "、".join(f"「{stage.label}」" for stage in TRANSITIONS[article.status]) or "なし"
    return (
        f"「{Status(target).label}」にする操作は「{Status(source).label}」の記事にだけ行えます"
        f"（この記事は今「{article.get_status_display()}」）。今のステージから移れるのは {allowed} です。"
    )


def _move(
    article,
    source,
    target,
    *,
    by,
    comment="",
    permitted,
    guard=None,
    before_save=None,
    notify=None,
    notice=None,
):
    """Move ``article`` from ``source`` to ``target`` under a row lock; return
    True if it moved.

    Each verb names the one stage it starts from: the table alone would let
    "submit" (an author's verb) take a scheduled article back to review.

    Moving to the stage the article is already in is a no-op, which makes a
    retried or duplicated call (a redelivered Celery message) harmless.

    ``notice(locked)``, if given, is what the notification says beside the
    comment, read under the lock.

    ``before_save`` may return a note for the audit row, after the comment.
    """
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if by is not None and not permitted(by, locked):
            raise NotPermitted("この操作をする権限がありません。")
        if locked.status == target:
            _copy_workflow_fields(locked, article)
            return False
        if locked.status != source or target not in TRANSITIONS[source]:
            raise TransitionNotAllowed(_not_allowed_message(locked, source, target))
        if guard is not None:
            problems = guard(locked)
            if problems:
                raise GuardFailed(problems)
        source = locked.status
        locked.status = target
        if before_save is not None and (note := before_save(locked)):
            comment = f"{comment}\n{note}".strip()
        locked.save(update_fields=WORKFLOW_FIELDS)
        transition = Transition.objects.create(
            article=locked, from_status=source, to_status=target, actor=by, comment=comment
        )
        admin_history.log_transition(transition, by=by)
        _after_commit(_log_transition, transition)
        if notify is not None:
            _notify(notify, [transition], actor=by, text=notice(locked) if notice else "")
        if Status.PUBLISHED in (source, target):
            freshness.went_live_or_came_down([locked.pk])
    _copy_workflow_fields(locked, article)
    return True


def _after_commit(side_effect, *args):
    """Run ``side_effect(*args)`` once the stage change is committed.

    The change stands whatever happens next: a broker or cache that is down
    at that moment is logged (with its traceback) rather than turned into an
    error page for an editor whose article did move. The schedule itself is
    in the database, so the periodic sweep still publishes on time.
    """
    callback = partial(side_effect, *args)
    # Django names a failed callback by its __qualname__, which a partial lacks.
    callback.__qualname__ = getattr(side_effect, "__qualname__", repr(side_effect))
    transaction.on_commit(callback, robust=True)


def _notify(kind, transitions, *, actor, text=""):
    """Write who is told of ``transitions`` (in this transaction) and have those
    to be e-mailed sent after the commit. If the broker is away then, the rows
    wait for the periodic sender: nothing is lost."""
    rows = notifications.record(kind, transitions, actor=actor, text=text)
    if any(row.email_status == Notification.Email.PENDING for row in rows):
        _after_commit(tasks.send_notifications.delay)


def _log_transition(transition):
    logger.info(
        "記事のステージが変わりました",
        extra={
            "article_id": transition.article_id,
            "transition": f"{transition.from_status}->{transition.to_status}",
            "transition_id": transition.pk,
            "actor": transition.actor.get_username() if transition.actor_id else "system",
        },
    )


def _copy_workflow_fields(source, destination):
    for field in WORKFLOW_FIELDS:
        setattr(destination, field, getattr(source, field))


def _mark_published(article):
    # Putting an article back on the site is a new publication (docs/workflow.md): it goes
    # live as of now, in every list and between today's neighbours; the first is kept apart.
    article.published_at = timezone.now()
    article.first_published_at = article.first_published_at or article.published_at
    article.publish_at = article.publish_at or article.published_at


def submit(article, *, by, comment=""):
    """Send a draft to review: its author or an editor, when nothing is missing."""
    return _move(
        article,
        Status.DRAFT,
        Status.REVIEW,
        by=by,
        comment=comment,
        permitted=_author_or_editor,
        guard=submission_problems,
        notify=Notification.Kind.SUBMITTED,
    )


def request_changes(article, *, by, comment):
    """Send an article in review back to draft; an editor must say why, in the
    stage comment or in open comments on the text, which the writer's
    notification gathers."""
    if not comment.strip() and not threads.open_summary(article):
        raise WorkflowError("差し戻す理由を、コメント欄か本文へのコメントに書いてください。")

    def with_open_comments(locked):
        gathered = threads.open_summary(locked)
        return "\n\n".join(part for part in (comment.strip(), gathered) if part)

    return _move(
        article,
        Status.REVIEW,
        Status.DRAFT,
        by=by,
        comment=comment,
        permitted=_editor_only,
        notify=Notification.Kind.CHANGES_REQUESTED,
        notice=with_open_comments,
    )


def withdraw(article, *, by, comment=""):
    """Take one's own article back from review to draft, to go on writing it.

    Its author's verb (an editor who is not an author sends an article back
    with ``request_changes``, which must say why). The editors are not told:
    the article simply leaves their review queue, and their unread notices of
    its submission are marked read, so their desk no longer asks for a review.
    """

    def settle_submission_notices(locked):
        Notification.objects.filter(
            article=locked, kind=Notification.Kind.SUBMITTED, read_at__isnull=True
        ).update(read_at=Now())

    return _move(
        article,
        Status.REVIEW,
        Status.DRAFT,
        by=by,
        comment=comment,
        permitted=_author_only,
        before_save=settle_submission_notices,
    )


def approve(article, *, by, publish_at: datetime | None = None, comment=""):
    """Approve an article in review: scheduled for ``publish_at`` if it is in
    the future, published now otherwise."""
    when = publish_at or article.publish_at
    if when is not None and when > timezone.now():

        def set_time(locked):
            locked.publish_at = when
            _after_commit(tasks.arm_if_soon, when)

        return _move(
            article,
            Status.REVIEW,
            Status.SCHEDULED,
            by=by,
            comment=comment,
            permitted=_editor_only,
            guard=submission_problems,
            before_save=set_time,
            notify=Notification.Kind.APPROVED,
        )

    def publish_now(locked):
        locked.publish_at = None
        _mark_published(locked)

    return _move(
        article,
        Status.REVIEW,
        Status.PUBLISHED,
        by=by,
        comment=comment,
        permitted=_editor_only,
        guard=submission_problems,
        before_save=publish_now,
        notify=Notification.Kind.PUBLISHED,
    )


def reschedule(article, *, by, publish_at: datetime, comment=""):
    """Change the time a scheduled article goes live; it stays scheduled."""
    if publish_at <= timezone.now():
        raise WorkflowError("公開予定日時には未来の日時を指定してください。")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not is_editor(by):
            raise NotPermitted("この操作をする権限がありません。")
        if locked.status != Status.SCHEDULED:
            raise TransitionNotAllowed(
                f"公開日時を変更できるのは「公開予約」の記事だけです（今は「{locked.get_status_display()}」）。"
            )
        previous = locked.publish_at
        locked.publish_at = publish_at
        locked.save(update_fields=["publish_at"])
        _after_commit(tasks.arm_if_soon, publish_at)
        note = f"公開予定日時を変更: {timezone.localtime(previous):%Y-%m-%d %H:%M} → {timezone.localtime(publish_at):%Y-%m-%d %H:%M}"
        transition = Transition.objects.create(
            article=locked,
            from_status=Status.SCHEDULED,
            to_status=Status.SCHEDULED,
            actor=by,
            comment=f"{note}\n{comment}".strip(),
        )
        admin_history.log_transition(transition, by=by)
    _copy_workflow_fields(locked, article)
    return True


def unschedule(article, *, by, comment=""):
    """Take a scheduled article back to review; its publish time is kept for re-approval."""
    return _move(article, Status.SCHEDULED, Status.REVIEW, by=by, comment=comment, permitted=_editor_only)


def publish(article, *, by=None, comment=""):
    """Put a scheduled article live: the scheduler when its time has come
    (``by=None``), or an editor's "publish now" at any time."""

    def due_by_database_clock(locked):
        if by is None and not Article.objects.filter(pk=locked.pk, publish_at__lte=Now()).exists():
            return ["公開予定日時になっていません。"]
        return []

    return _move(
        article,
        Status.SCHEDULED,
        Status.PUBLISHED,
        by=by,
        comment=comment,
        permitted=_editor_only,
        guard=due_by_database_clock,
        before_save=_mark_published,
        notify=Notification.Kind.PUBLISHED,
    )


def publish_due_articles(article_ids) -> int:
    """The scheduler's verb for a batch: publish those of ``article_ids`` that
    are still scheduled and due by the database clock; return how many.

    The caller has locked the rows (a sweep claims them ``FOR UPDATE SKIP
    LOCKED``); they are locked again here and each is re-checked, so a stale
    or duplicated sweep publishes nothing twice. One statement publishes the
    batch and one writes its audit rows, which keeps a burst of a thousand
    due articles to well under a second.
    """
    with transaction.atomic():
        due = list(
            Article.objects.select_for_update()
            .filter(pk__in=list(article_ids), status=Status.SCHEDULED, publish_at__lte=Now())
            .values_list("pk", flat=True)
        )
        if not due:
            return 0
        # Never before its time, whatever the clocks of this host and the database say.
        went_live = Greatest(Value(timezone.now()), F("publish_at"))
        Article.objects.filter(pk__in=due).update(
            status=Status.PUBLISHED,
            published_at=went_live,
            first_published_at=Coalesce(F("first_published_at"), went_live),
        )
        refresh_live_copies(due)  # a queryset update does not go through Article.save()
        transitions = Transition.objects.bulk_create(
            Transition(
                article_id=pk,
                from_status=Status.SCHEDULED,
                to_status=Status.PUBLISHED,
                actor=None,
                comment="公開予定日時になったため自動で公開",
            )
            for pk in due
        )
        for transition in transitions:
            _after_commit(_log_transition, transition)
        _notify(Notification.Kind.PUBLISHED, transitions, actor=None)
        freshness.went_live_or_came_down(due)
    return len(due)


def _drop_pending_version(locked):
    """Delete the pending version (and its schedule) of ``locked``, an article being
    archived; return the reason for the audit row. An archived article has no live
    content to change, and a schedule must not put it back on the site. Written
    here, not in editorial/pending.py, which builds on revisions and so on this module."""
    dropped = PendingVersion.objects.filter(article=locked).first()
    if dropped is None:
        return ""
    dropped.delete()
    if dropped.based_on_version != locked.version:
        return ""  # left behind before archiving dropped them: nobody is working on it
    Notification.objects.filter(
        article=locked, kind=Notification.Kind.UPDATE_SUBMITTED, read_at__isnull=True
    ).update(read_at=Now())
    # The next version: a form opened on the pending version must not write it into the archived article.
    Article.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    locked.refresh_from_db(fields=["version"])
    scheduled = "とその公開予約" if dropped.publish_at is not None else ""
    return f"公開を停止したため、未公開の変更{scheduled}を破棄しました（アーカイブした記事には変更する公開中の内容がありません）。"


def archive(article, *, by, comment=""):
    """Take a published article off the site; it is kept, never deleted. Its
    pending version, and that version's schedule, go with it (the audit row says so)."""
    return _move(
        article,
        Status.PUBLISHED,
        Status.ARCHIVED,
        by=by,
        comment=comment,
        permitted=_editor_only,
        before_save=_drop_pending_version,
    )


def reopen(article, *, by, comment=""):
    """Bring an archived article back to review."""
    return _move(article, Status.ARCHIVED, Status.REVIEW, by=by, comment=comment, permitted=_editor_only)


def mark_continuation(article, *, by, comment=""):
    """Mark a draft as needing further segments (an editor, or the detector).

    If the continuation generator is configured, it is asked to write them."""
    moved = _move(article, Status.DRAFT, Status.CONTINUATION, by=by, comment=comment, permitted=_editor_only)
    if moved:
        _after_commit(tasks.queue_generation, article.pk)
    return moved


def _body_incomplete(article):
    return ["本文がまだ文の途中で終わっています。"] if is_truncated(article.body) else []


def mark_complete(article, *, by, comment=""):
    """Return an article from continuation to draft; its body must be complete."""
    return _move(
        article,
        Status.CONTINUATION,
        Status.DRAFT,
        by=by,
        comment=comment,
        permitted=_editor_only,
        guard=_body_incomplete,
    )


def hand_over_from_generator(article, *, comment):
    """The generator's last move: an article it stopped on goes back to draft for
    a person, complete or not. Never further: a machine does not submit."""
    return _move(article, Status.CONTINUATION, Status.DRAFT, by=None, comment=comment, permitted=_editor_only)


def sync_continuation(article):
    """Follow the truncation detector: a cut-off draft goes to continuation,
    a completed one comes back to draft. Other stages are left alone."""
    truncated = is_truncated(article.body)
    if article.status == Status.DRAFT and truncated:
        return mark_continuation(article, by=None, comment="本文が文の途中で終わっているため自動で移動")
    if article.status == Status.CONTINUATION and not truncated:
        return mark_complete(article, by=None, comment="本文の続きが揃ったため自動で移動")
    return False


def content_saved(article, *, by):
    """What saving new content means for the stage: a scheduled article goes
    back to review (nothing goes live unapproved), a draft follows the
    truncation detector."""
    if article.status == Status.SCHEDULED:
        return unschedule(article, by=by, comment="公開予約中に内容が編集されたため、再承認が必要です。")
    return sync_continuation(article)


def place_imported(article, *, stage, publish_at=None, published_at=None, report=True):
    """Put an imported article in the stage its source file implies; return True if it
    went live or came down.

    The system's only move outside the transition table: an import restores
    a state the article already had elsewhere (published on a date, say).
    A post dated in the future by the database clock is scheduled for that
    date instead of published, and goes live through the scheduler like any
    other. Recorded in the audit trail like any other move. ``report=False``
    leaves telling articles.freshness to the caller (the importer tells it
    once for the whole import).
    """
    # No savepoint of its own: the importer calls it for every post, inside the post's own.
    with transaction.atomic(savepoint=False):
        locked = Article.objects.select_for_update().annotate(database_now=Now()).get(pk=article.pk)
        source = locked.status
        if stage == Status.PUBLISHED and published_at is not None and published_at > locked.database_now:
            # Published with a date to come, it would appear by itself at that moment and no
            # verb would run: nothing would refresh its listings or tell its authors.
            stage, publish_at = Status.SCHEDULED, published_at
        locked.status = stage
        if stage != Status.PUBLISHED and publish_at is not None:
            # For a draft this is the date its file carried: kept as the intended time.
            locked.publish_at = publish_at
        if stage == Status.PUBLISHED:
            # The file's date, not the moment of the import: the post was published then.
            locked.published_at = published_at or locked.published_at or timezone.now()
            locked.first_published_at = locked.first_published_at or locked.published_at
            locked.publish_at = locked.publish_at or locked.published_at
        locked.save(update_fields=WORKFLOW_FIELDS)
        moved = Status.PUBLISHED in (source, locked.status)
        if moved and report:
            freshness.went_live_or_came_down([locked.pk])
        if stage == Status.SCHEDULED:
            _after_commit(tasks.arm_if_soon, locked.publish_at)
        if source != stage:
            Transition.objects.create(
                article=locked,
                from_status=source,
                to_status=stage,
                actor=None,
                comment="Jekyll ファイルから取り込み",
            )
    _copy_workflow_fields(locked, article)
    return moved


@dataclass(frozen=True)
class Action:
    verb: str
    label: str
    needs_comment: bool = False
    needs_time: bool = False
    style: str = "default"


ACTIONS = {
    "submit": (Action("submit", "レビューに提出", style="primary"), _author_or_editor),
    "request_changes": (Action("request_changes", "差し戻す", needs_comment=True), _editor_only),
    "approve": (
        Action("approve", "承認する（公開予定日時があれば予約、なければ今すぐ公開）", style="primary"),
        _editor_only,
    ),
    "publish": (Action("publish", "今すぐ公開", style="primary"), _editor_only),
    "reschedule": (Action("reschedule", "公開日時を変更", needs_time=True), _editor_only),
    "unschedule": (Action("unschedule", "予約を取り消してレビューに戻す"), _editor_only),
    "archive": (Action("archive", "アーカイブ（公開を停止）", style="danger"), _editor_only),
    "reopen": (Action("reopen", "レビューに戻す"), _editor_only),
    "mark_continuation": (Action("mark_continuation", "続き待ちにする"), _editor_only),
    "mark_complete": (Action("mark_complete", "続き待ちを解除"), _editor_only),
    "withdraw": (Action("withdraw", "提出を取り下げて下書きに戻す"), _author_only),
}

# The guard of each verb that has one, to show a blocked button before it is pressed.
# The verbs run the same functions again under the row lock; this is only the preview.
GUARDS = {
    "submit": submission_problems,
    "approve": submission_problems,
    "mark_complete": _body_incomplete,
}

ACTIONS_BY_STAGE = {
    Status.DRAFT: ["submit", "mark_continuation"],
    Status.CONTINUATION: ["mark_complete"],
    Status.REVIEW: ["approve", "request_changes", "withdraw"],
    Status.SCHEDULED: ["publish", "reschedule", "unschedule"],
    Status.PUBLISHED: ["archive"],
    Status.ARCHIVED: ["reopen"],
}


def available_actions(article, user) -> list[Action]:
    """The buttons ``user`` may press on ``article`` in its current stage."""
    return [ACTIONS[verb][0] for verb in ACTIONS_BY_STAGE[article.status] if ACTIONS[verb][1](user, article)]


def blocked_reasons(verb, article) -> list[str]:
    """Why ``verb`` would be refused by its guard on ``article`` as it is now; [] if it would not."""
    guard = GUARDS.get(verb)
    return guard(article) if guard is not None else []


def perform(verb, article, *, by, comment="", publish_at=None):
    """Dispatch a verb by name, for the admin's buttons; the verbs still check everything."""
    if verb == "approve":
        return approve(article, by=by, comment=comment, publish_at=publish_at)
    if verb == "reschedule":
        if publish_at is None:
            raise WorkflowError("新しい公開予定日時を指定してください。")
        return reschedule(article, by=by, publish_at=publish_at, comment=comment)
    verbs = {
        "submit": submit,
        "request_changes": request_changes,
        "publish": publish,
        "unschedule": unschedule,
        "archive": archive,
        "reopen": reopen,
        "mark_continuation": mark_continuation,
        "mark_complete": mark_complete,
        "withdraw": withdraw,
    }
    if verb not in verbs:
        raise WorkflowError("不明な操作です。")
    return verbs[verb](article, by=by, comment=comment)
