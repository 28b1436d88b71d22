"""What the desk shows one user, section by section.

Every list starts from the articles the user may see in the admin
(``roles.visible_articles``, the rule the article list uses), so a writer's
desk names nothing their article list would not. Each section is one query
and the authors of every listed article one more, however many articles
there are: the desk costs the same on the first day and the thousandth.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from articles.models import Article, ArticleAuthor

from ..models import Notification, Transition
from ..pending import current_pending
from ..pending_review import in_review_q
from ..people import display_name
from ..roles import WRITER_EDITABLE_STAGES, author_profile, is_editor, visible_articles
from . import inbox

Status = Article.Status

# What a line on the desk shows of an article: never the body or its stored renderings.
LINE_FIELDS = ("id", "title", "slug", "status", "publish_at", "published_at", "updated_at")

LATEST_PER_STAGE = 5
REVIEW_QUEUE_LENGTH = 20
SENT_BACK_LENGTH = 10
SCHEDULE_DAYS = 7
SCHEDULE_LENGTH = 30
RECENTLY_PUBLISHED_LENGTH = 10
NOTIFICATIONS_SHOWN = 5


@dataclass
class Stage:
    status: str
    label: str
    count: int
    latest: list


@dataclass
class Waiting:
    article: Article
    since: datetime
    waited: str
    is_update: bool = False  # a change to a live article, not the article itself


@dataclass
class SentBack:
    """An article sent back to its writer, or a change to a live one (``is_update``)."""

    article: Article
    actor: object
    actor_label: str
    comment: str
    created_at: datetime
    is_update: bool = False
    open_comments: int = 0  # what the editor marked on the text, still open


@dataclass
class Desk:
    mine: list[Stage] | None  # None: the user writes as no author
    review_queue: list[Waiting] | None  # None: the user does not review
    review_total: int
    sent_back: list[SentBack]
    scheduled: list[Article]
    schedule_ends: date
    recently_published: list[Article]
    notifications: list[Notification]


def desk_for(user, *, now: datetime) -> Desk:
    """Everything the desk shows ``user`` at ``now``."""
    review_queue, review_total = review_queue_of(user, now=now)
    scheduled, schedule_ends = scheduled_soon(user, now=now)
    desk = Desk(
        mine=my_articles_by_stage(user),
        review_queue=review_queue,
        review_total=review_total,
        sent_back=sent_back_to(user),
        scheduled=scheduled,
        schedule_ends=schedule_ends,
        recently_published=recently_published(user),
        notifications=list(inbox.listed(inbox.inbox(user))[:NOTIFICATIONS_SHOWN]),
    )
    shown_with_authors = [
        *(waiting.article for waiting in desk.review_queue or ()),
        *desk.scheduled,
        *desk.recently_published,
    ]
    prefetch_related_objects(
        shown_with_authors, Prefetch("article_authors", queryset=ArticleAuthor.authors_in_order())
    )
    return desk


def my_articles_by_stage(user) -> list[Stage] | None:
    """The articles ``user`` is an author of: per stage, how many and the
    latest changed, in the order of the workflow."""
    profile = author_profile(user)
    if profile is None:
        return None
    mine = Article.objects.filter(pk__in=ArticleAuthor.objects.filter(author=profile).values("article_id"))
    latest_first = [F("updated_at").desc(), F("pk").desc()]
    rows = (
        mine.annotate(
            place=Window(RowNumber(), partition_by=F("status"), order_by=latest_first),
            in_stage=Window(Count("pk"), partition_by=F("status")),
        )
        .filter(place__lte=LATEST_PER_STAGE)
        .only(*LINE_FIELDS)
    )
    by_stage = {}
    for article in sorted(rows, key=lambda article: article.place):
        by_stage.setdefault(article.status, []).append(article)
    return [
        Stage(status, label, by_stage[status][0].in_stage, by_stage[status])
        for status, label in Status.choices
        if status in by_stage
    ]


def _is_update():
    return Case(
        When(status=Status.PUBLISHED, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def review_queue_of(user, *, now: datetime) -> tuple[list[Waiting] | None, int]:
    """For a reviewer, the articles in review and the changes to live articles
    sent to review, longest waiting first, and how many there are; (None, 0) for
    anyone else.

    An article waits from its latest move into review (a submission, an
    unscheduling, a reopening), not from its last save; a change from when it
    was sent to review (or its schedule was cleared)."""
    if not is_editor(user):
        return None, 0
    entered = (
        Transition.objects.filter(article=OuterRef("pk"), to_status=Status.REVIEW)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    waiting = (
        visible_articles(user, Article.objects.filter(Q(status=Status.REVIEW) | in_review_q()))
        .annotate(
            is_update=_is_update(),
            entered_review=Case(
                When(status=Status.PUBLISHED, then=F("pending_version__submitted_at")),
                default=Coalesce(Subquery(entered), F("updated_at")),
            ),
        )
        .order_by("entered_review", "pk")
    )
    shown = [
        Waiting(
            article,
            article.entered_review,
            waited(article.entered_review, now=now),
            is_update=article.is_update,
        )
        for article in waiting.only(*LINE_FIELDS)[:REVIEW_QUEUE_LENGTH]
    ]
    total = len(shown) if len(shown) < REVIEW_QUEUE_LENGTH else waiting.count()
    return shown, total


OPEN_COMMENTS = Count(
    "article__comments",
    filter=Q(article__comments__thread__isnull=True, article__comments__resolved_at__isnull=True),
)


def sent_back_to(user) -> list[SentBack]:
    """The changes requested on ``user``'s articles that still wait for them:
    the latest "send back" of each of their articles now in draft, and the
    changes to their live articles sent back and not yet sent again, newest first.

    One they made themselves (an editor who is also the author) is not news to them."""
    profile = author_profile(user)
    if profile is None:
        return []
    latest_sent_back = (
        Transition.objects.filter(article=OuterRef("pk"), from_status=Status.REVIEW, to_status=Status.DRAFT)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    waiting_on_user = Article.objects.filter(
        status__in=WRITER_EDITABLE_STAGES, article_authors__author=profile
    ).annotate(sent_back=Subquery(latest_sent_back))
    rows = (
        Transition.objects.filter(pk__in=waiting_on_user.values("sent_back"))
        .exclude(actor=user)
        .select_related("article", "actor__author_profile")
        .only(
            "id",
            "from_status",
            "to_status",
            "comment",
            "created_at",
            "article",
            "actor",
            *(f"article__{name}" for name in LINE_FIELDS),
            "actor__id",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
            "actor__author_profile__id",
            "actor__author_profile__name",
        )
        # What the editor marked on the text, counted: the comments say why as much as the stage comment.
        .annotate(open_comments=OPEN_COMMENTS)
        .order_by("-created_at", "-pk")
    )
    updates = (
        current_pending()
        .filter(sent_back_at__isnull=False, article__article_authors__author=profile)
        .exclude(sent_back_by=user)
        .select_related("article", "sent_back_by__author_profile")
        .only(
            "id",
            "sent_back_at",
            "sent_back_comment",
            "article",
            "sent_back_by",
            *(f"article__{name}" for name in LINE_FIELDS),
            "sent_back_by__id",
            "sent_back_by__username",
            "sent_back_by__first_name",
            "sent_back_by__last_name",
            "sent_back_by__author_profile__id",
            "sent_back_by__author_profile__name",
        )
        .annotate(open_comments=OPEN_COMMENTS)
        .order_by("-sent_back_at", "-pk")
    )
    items = [
        SentBack(
            row.article,
            row.actor,
            row.actor_label,
            row.comment,
            row.created_at,
            open_comments=row.open_comments,
        )
        for row in rows[:SENT_BACK_LENGTH]
    ] + [
        SentBack(
            pending.article,
            pending.sent_back_by,
            display_name(pending.sent_back_by) if pending.sent_back_by else "システム",
            pending.sent_back_comment,
            pending.sent_back_at,
            is_update=True,
            open_comments=pending.open_comments,
        )
        for pending in updates[:SENT_BACK_LENGTH]
    ]
    items.sort(key=lambda item: item.created_at, reverse=True)
    return items[:SENT_BACK_LENGTH]


def with_schedule(articles, *, until: datetime | None = None):
    """Those of ``articles`` scheduled to go live, or live with a change scheduled
    (``is_update``), before ``until`` if given, with ``scheduled_for``: when they go."""
    scheduled = Q(status=Status.SCHEDULED)
    updates = Q(
        status=Status.PUBLISHED,
        pending_version__based_on_version=F("version"),
        pending_version__publish_at__isnull=False,
    )
    if until is not None:
        scheduled &= Q(publish_at__lt=until)
        updates &= Q(pending_version__publish_at__lt=until)
    return articles.filter(scheduled | updates).annotate(
        is_update=_is_update(),
        scheduled_for=Case(
            When(status=Status.PUBLISHED, then=F("pending_version__publish_at")), default=F("publish_at")
        ),
    )


def scheduled_soon(user, *, now: datetime) -> tuple[list[Article], date]:
    """Scheduled articles and scheduled changes to live articles (``is_update``)
    going live from now to the end of the seventh day (site time, Tokyo), soonest
    first by ``scheduled_for``, with that last day. Overdue ones come first: a
    scheduler that has stopped must not hide them."""
    last_day = timezone.localdate(now) + timedelta(days=SCHEDULE_DAYS - 1)
    ends = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
    rows = with_schedule(visible_articles(user, Article.objects.all()), until=ends)
    return list(rows.order_by("scheduled_for", "pk").only(*LINE_FIELDS)[:SCHEDULE_LENGTH]), last_day


def recently_published(user) -> list[Article]:
    rows = visible_articles(user, Article.objects.filter(status=Status.PUBLISHED))
    return list(rows.order_by("-published_at", "-pk").only(*LINE_FIELDS)[:RECENTLY_PUBLISHED_LENGTH])


def waited(since: datetime, *, now: datetime) -> str:
    """How long from ``since`` to ``now``, as an editor says it: 「45分」「3時間」「2日」."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 1:
        return "1分未満"
    if minutes < 60:
        return f"{minutes}分"
    if minutes < 24 * 60:
        return f"{minutes // 60}時間"
    return f"{minutes // (24 * 60)}日"
