"""Writing, answering and closing comments, and finding them in the text as it is now.

Every act here checks on the server that the person may see the article in
the admin (an editor, or one of its authors), is entered in the article's
history (Django's LogEntry, so 履歴 lists it), and tells the people concerned
through the notification outbox, in the act's transaction.
"""

from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from articles.validators import LAYOUT_CHARACTERS, control_character_problem

from .. import notifications, pending, tasks
from ..exceptions import NotPermitted, WorkflowError
from ..models import Comment, Notification
from ..roles import editors, is_editor, visible_articles
from . import anchoring, mentions

MAX_COMMENT_LENGTH = 4000
QUOTE_SHOWN = 40


@dataclass
class Thread:
    """A comment with its replies, as the change form shows it."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)
    paragraph: int | None = None

    @property
    def orphaned(self) -> bool:
        return self.comment.orphaned_at is not None

    @property
    def where(self) -> str:
        comment = self.comment
        if comment.field != Comment.Field.BODY:
            return comment.get_field_display()
        if self.orphaned:
            return "本文（元の箇所が見つかりません）"
        return f"本文 第{self.paragraph}段落" if self.paragraph else "本文"


def may_comment(user, article) -> bool:
    if not (user and user.is_active and user.is_staff):
        return False
    return visible_articles(user, Article.objects.filter(pk=article.pk)).exists()


def working_text(article, field_name: str) -> str:
    """The text the writer is working on: a live article's pending version when it has one."""
    source = pending.pending_of(article) or article
    value = getattr(source, field_name)
    return value.name if field_name == Comment.Field.COVER else (value or "")


def shorten(text: str, limit: int = QUOTE_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _check_text(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise WorkflowError("コメントを書いてください。")
    if problem := control_character_problem(text, allow=LAYOUT_CHARACTERS):
        raise WorkflowError(f"コメントに{problem}")
    if len(text) > MAX_COMMENT_LENGTH:
        raise WorkflowError(f"コメントは{MAX_COMMENT_LENGTH}文字までです（いま{len(text)}文字）。")
    return text


def _anchor_for(article, field_name, *, quote, hint, paragraph):
    if field_name not in Comment.Field.values:
        raise WorkflowError("コメントの対象を選んでください。")
    if field_name != Comment.Field.BODY:
        text = working_text(article, field_name)
        place = anchoring.nearest(text, quote, hint) if quote else None
        if quote and place is None:
            raise WorkflowError(
                "選んだ箇所が保存された内容に見つかりません。先に保存してからコメントしてください。"
            )
        return place.anchor_in(text) if place else anchoring.Anchor("")
    body = working_text(article, "body")
    if quote.strip():
        place = anchoring.nearest(body, quote, hint)
        if place is None:
            raise WorkflowError(
                "選んだ箇所が保存された本文に見つかりません。保存していない変更があれば、先に保存してからコメントしてください。"
            )
        return place.anchor_in(body)
    places = anchoring.paragraphs(body)
    if paragraph is None or not 1 <= paragraph <= len(places):
        raise WorkflowError(
            f"本文のどこへのコメントか、箇所を選ぶか段落の番号（1〜{len(places)}）を入れてください。"
            if places
            else "本文がまだありません。タイトルや抜粋にコメントしてください。"
        )
    return places[paragraph - 1].anchor_in(body)


def _log(comment, *, by, message):
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[comment.article],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


def _authors_of(article):
    return list(
        get_user_model()
        .objects.filter(is_active=True, author_profile__article_links__article=article)
        .select_related("author_profile")
    )


def _audience(comment, *, by):
    """Who is told of ``comment``: the article's authors and everyone in its thread;
    for a writer's new comment, the editors who commented on the article (all
    editors when none has yet), since the writer is asking one of them."""
    article = comment.article
    people = {user.pk: user for user in _authors_of(article)}
    root = comment.thread or comment
    for earlier in [root, *root.replies.exclude(pk=comment.pk).select_related("author")]:
        if earlier.author is not None:
            people.setdefault(earlier.author.pk, earlier.author)
    if comment.thread is None and not is_editor(by):
        commenting = editors().filter(pk__in=article.comments.values("author"))
        for user in commenting if commenting.exists() else editors():
            people.setdefault(user.pk, user)
    return people


def _tell(comment, *, by):
    article = comment.article
    named = [user for user in mentions.mentioned_in(comment.text) if may_comment(user, article)]
    comment.mentions.set(named)
    quote = comment.quote or (comment.thread.quote if comment.thread else "")
    text = f"「{shorten(quote)}」へ: {comment.text}" if quote else comment.text
    audience = _audience(comment, by=by)
    for user in named:
        audience.pop(user.pk, None)
    rows = notifications.record_event(
        Notification.Kind.MENTIONED, article, recipients=named, actor=by, text=text, comment=comment
    )
    rows += notifications.record_event(
        Notification.Kind.COMMENTED,
        article,
        recipients=audience.values(),
        actor=by,
        text=text,
        comment=comment,
    )
    if any(row.email_status == Notification.Email.PENDING for row in rows):
        transaction.on_commit(tasks.send_notifications.delay, robust=True)


def add(article, *, by, field_name, text, quote="", hint=0, paragraph=None) -> Comment:
    """Comment on a passage (``quote``, the one nearest ``hint`` in the saved text),
    a paragraph of the body (its 1-based number), or a whole field."""
    if not may_comment(by, article):
        raise NotPermitted("この記事にコメントする権限がありません。")
    text = _check_text(text)
    anchor = _anchor_for(article, field_name, quote=quote, hint=hint, paragraph=paragraph)
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            field=field_name,
            quote=anchor.quote,
            prefix=anchor.prefix,
            suffix=anchor.suffix,
            author=by,
            text=text,
        )
        target = f"「{shorten(anchor.quote)}」" if anchor.quote else ""
        _log(
            comment,
            by=by,
            message=f"{comment.get_field_display()}{target}にコメントしました：{shorten(text, 80)}",
        )
        _tell(comment, by=by)
    return comment


def reply(comment, *, by, text) -> Comment:
    root = comment.thread or comment
    if not may_comment(by, root.article):
        raise NotPermitted("この記事にコメントする権限がありません。")
    text = _check_text(text)
    with transaction.atomic():
        answer = Comment.objects.create(
            article=root.article, thread=root, field=root.field, author=by, text=text
        )
        if root.resolved_at is not None:
            # Answering a closed remark opens it again: something is still being said.
            Comment.objects.filter(pk=root.pk).update(resolved_at=None, resolved_by=None)
        _log(answer, by=by, message=f"コメント「{shorten(root.text)}」に返信しました：{shorten(text, 80)}")
        _tell(answer, by=by)
    return answer


def resolve(comment, *, by) -> None:
    root = comment.thread or comment
    if not may_comment(by, root.article):
        raise NotPermitted("このコメントを解決済みにする権限がありません。")
    with transaction.atomic():
        if Comment.objects.filter(pk=root.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=by
        ):
            _log(root, by=by, message=f"コメント「{shorten(root.text)}」を解決済みにしました。")


def reopen(comment, *, by) -> None:
    root = comment.thread or comment
    if not may_comment(by, root.article):
        raise NotPermitted("このコメントを未解決に戻す権限がありません。")
    with transaction.atomic():
        if Comment.objects.filter(pk=root.pk, resolved_at__isnull=False).update(
            resolved_at=None, resolved_by=None
        ):
            _log(root, by=by, message=f"コメント「{shorten(root.text)}」を未解決に戻しました。")


def _follow(comments, article):
    """Find each open comment's passage in the text as it is now; keep where it
    moved to, and mark the ones whose passage is gone (or back again)."""
    texts = {}
    changed = []
    places = {}
    for comment in comments:
        if not comment.quote or comment.resolved_at is not None:
            continue
        if comment.field not in texts:
            texts[comment.field] = working_text(article, comment.field)
        text = texts[comment.field]
        place = anchoring.locate(text, anchoring.Anchor(comment.quote, comment.prefix, comment.suffix))
        if place is None:
            if comment.orphaned_at is None:
                comment.orphaned_at = timezone.now()
                changed.append(comment)
            continue
        places[comment.pk] = place
        now = place.anchor_in(text)
        if (now.quote, now.prefix, now.suffix) != (
            comment.quote,
            comment.prefix,
            comment.suffix,
        ) or comment.orphaned_at:
            comment.quote, comment.prefix, comment.suffix = now.quote, now.prefix, now.suffix
            comment.orphaned_at = None
            changed.append(comment)
    if changed:
        Comment.objects.bulk_update(changed, ["quote", "prefix", "suffix", "orphaned_at"])
    return places, texts.get(Comment.Field.BODY)


FIELD_ORDER = {name: position for position, name in enumerate(["title", "excerpt", "cover", "body"])}


def threads_of(article) -> tuple[list[Thread], list[Thread]]:
    """(open, resolved) threads of ``article``; the open ones in the order of the
    article (fields, then passages down the body; orphaned last)."""
    comments = list(
        article.comments.select_related("author__author_profile", "resolved_by__author_profile").order_by(
            "created_at", "pk"
        )
    )
    roots = [comment for comment in comments if comment.thread_id is None]
    places, body = _follow(roots, article)
    threads = {root.pk: Thread(root) for root in roots}
    for comment in comments:
        if comment.thread_id is not None and comment.thread_id in threads:
            threads[comment.thread_id].replies.append(comment)
    for thread in threads.values():
        place = places.get(thread.comment.pk)
        if place is not None and thread.comment.field == Comment.Field.BODY and body is not None:
            thread.paragraph = anchoring.paragraph_number(body, place.start)

    def order(thread):
        place = places.get(thread.comment.pk)
        return (
            thread.orphaned,
            FIELD_ORDER[thread.comment.field],
            place.start if place else -1,
            thread.comment.pk,
        )

    open_threads = sorted((t for t in threads.values() if t.comment.resolved_at is None), key=order)
    resolved = sorted(
        (t for t in threads.values() if t.comment.resolved_at is not None),
        key=lambda thread: thread.comment.resolved_at,
        reverse=True,
    )
    return open_threads, resolved


def open_summary(article) -> str:
    """The open comments of ``article`` as plain text, for the "changes requested" notice."""
    open_threads, _ = threads_of(article)
    if not open_threads:
        return ""
    lines = [f"未解決のコメント（{len(open_threads)}件）:"]
    for thread in open_threads:
        quote = f"「{shorten(thread.comment.quote)}」" if thread.comment.quote else ""
        lines.append(f"・{thread.where}{quote}: {thread.comment.text}（{thread.comment.author_name}）")
        lines.extend(f"　↳ {answer.author_name}: {answer.text}" for answer in thread.replies)
    return "\n".join(lines)
