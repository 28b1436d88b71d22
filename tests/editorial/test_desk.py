"""The desk, the admin's home: what each person sees there, and what it costs."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import workflow
from editorial.desk.sections import waited
from editorial.models import Notification, Transition
from tests.factories import READY_BODY, make_article, make_author

pytestmark = pytest.mark.django_db

S = Article.Status
TOKYO = ZoneInfo("Asia/Tokyo")


def desk_of(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def article_by(user, title, stage=S.DRAFT, **fields):
    """An article by ``user`` put straight into ``stage``, as fixtures may."""
    if stage in (S.PUBLISHED, S.ARCHIVED):
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if stage == S.SCHEDULED:
        fields.setdefault("publish_at", timezone.now() + timedelta(days=1))
    return make_article(
        title=title, body=READY_BODY, excerpt="要約。", authors=[user.author_profile], status=stage, **fields
    )


def ready_by(user, title, category):
    """A draft by ``user`` that passes every submission check."""
    return make_article(
        title=title, body=READY_BODY, excerpt="要約。", authors=[user.author_profile], categories=[category]
    )


def titles(articles):
    return [article.title for article in articles]


def test_my_articles_are_counted_by_stage_in_workflow_order_with_links(writer, other_writer):
    first = article_by(writer, "下書き一")
    article_by(writer, "下書き二")
    in_review = article_by(writer, "レビュー中の記事", S.REVIEW)
    article_by(writer, "公開中の記事", S.PUBLISHED)
    article_by(other_writer, "他の人の下書き")
    response = desk_of(writer)
    mine = response.context["desk"].mine
    assert [(stage.label, stage.count) for stage in mine] == [("下書き", 2), ("レビュー中", 1), ("公開中", 1)]
    html = response.content.decode()
    for article in (first, in_review):
        assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "?queue=mine&amp;status__exact=draft" in html


def test_a_stage_lists_its_latest_five_and_links_to_the_rest(writer):
    for number in range(7):
        article_by(writer, f"下書き{number}")
    (drafts,) = desk_of(writer).context["desk"].mine
    assert drafts.count == 7
    assert titles(drafts.latest) == [f"下書き{number}" for number in (6, 5, 4, 3, 2)]


def test_a_user_without_an_author_profile_is_told_why_they_have_no_articles(editor):
    response = desk_of(editor)
    assert response.context["desk"].mine is None
    assert "結びついた著者がいない" in response.content.decode()


def test_a_writer_sees_nothing_of_another_writer_s_articles(writer, other_writer):
    for stage in S.values:
        article_by(
            other_writer, f"他人の記事（{stage}）", stage, publish_at=timezone.now() + timedelta(hours=3)
        )
    article_by(writer, "自分の予約記事", S.SCHEDULED)
    response = desk_of(writer)
    html = response.content.decode()
    assert "他人の記事" not in html
    assert "自分の予約記事" in html
    assert response.context["desk"].review_queue is None
    assert 'id="desk-review"' not in html


def test_editors_see_what_awaits_review_longest_waiting_first_and_for_how_long(editor, writer, category):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
    late, early, recent = (
        ready_by(writer, title, category) for title in ("後から提出", "最初に提出", "さっき提出")
    )
    for article, submitted in (
        (early, start),
        (late, start + timedelta(days=1)),
        (recent, start + timedelta(days=2)),
    ):
        with time_machine.travel(submitted, tick=False):
            workflow.submit(article, by=writer)
    with time_machine.travel(start + timedelta(days=2, hours=3, minutes=5), tick=False):
        response = desk_of(editor)
    queue = response.context["desk"].review_queue
    assert [(waiting.article.title, waiting.waited) for waiting in queue] == [
        ("最初に提出", "2日"),
        ("後から提出", "1日"),
        ("さっき提出", "3時間"),
    ]
    assert response.context["desk"].review_total == 3
    assert "3時間待ち" in response.content.decode()


def test_the_review_queue_counts_from_the_latest_move_into_review_not_the_last_save(editor, writer, category):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
    article = ready_by(writer, "差し戻して再提出", category)
    with time_machine.travel(start, tick=False):
        workflow.submit(article, by=writer)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        workflow.request_changes(article, by=editor, comment="見出しを直してください。")
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        workflow.submit(article, by=writer)
    with time_machine.travel(start + timedelta(hours=5, minutes=45), tick=False):
        (waiting,) = desk_of(editor).context["desk"].review_queue
    assert waiting.waited == "45分"


@pytest.mark.parametrize(
    "delta, said",
    [
        (timedelta(seconds=20), "1分未満"),
        (timedelta(minutes=59), "59分"),
        (timedelta(hours=1), "1時間"),
        (timedelta(hours=23, minutes=59), "23時間"),
        (timedelta(days=2, hours=5), "2日"),
    ],
)
def test_how_long_an_article_has_waited_is_said_in_japanese(delta, said):
    now = timezone.now()
    assert waited(now - delta, now=now) == said


def test_what_was_sent_back_shows_the_comment_who_and_when_until_it_is_resubmitted(
    editor, writer, ready_article
):
    workflow.submit(ready_article, by=writer)
    workflow.request_changes(ready_article, by=editor, comment="出典を追記してください。\n図の番号も。")
    response = desk_of(writer)
    (sent_back,) = response.context["desk"].sent_back
    assert (sent_back.article.pk, sent_back.actor, sent_back.comment) == (
        ready_article.pk,
        editor,
        "出典を追記してください。\n図の番号も。",
    )
    html = response.content.decode()
    assert "出典を追記してください。" in html and "に差し戻し" in html
    workflow.submit(ready_article, by=writer)
    assert desk_of(writer).context["desk"].sent_back == []


def test_only_the_latest_send_back_of_an_article_is_listed(editor, writer, ready_article):
    for comment in ("一回目の指摘", "二回目の指摘"):
        workflow.submit(ready_article, by=writer)
        workflow.request_changes(ready_article, by=editor, comment=comment)
    assert [t.comment for t in desk_of(writer).context["desk"].sent_back] == ["二回目の指摘"]


def test_a_send_back_made_by_the_author_themselves_is_not_news_to_them(superuser, ready_article):
    make_author(name="編集長", slug="chief", user=superuser)
    ready_article.article_authors.create(author=superuser.author_profile, position=1)
    workflow.submit(ready_article, by=superuser)
    workflow.request_changes(ready_article, by=superuser, comment="自分で差し戻し")
    assert desk_of(superuser).context["desk"].sent_back == []


def test_the_schedule_covers_seven_days_in_tokyo_time_soonest_first_overdue_marked(editor, writer):
    now = datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)  # a Wednesday morning in Tokyo
    for title, at in (
        ("最終日の夜", datetime(2026, 12, 8, 23, 30, tzinfo=TOKYO)),
        ("八日目の朝", datetime(2026, 12, 9, 0, 0, tzinfo=TOKYO)),
        ("明日", datetime(2026, 12, 3, 9, 0, tzinfo=TOKYO)),
        ("予定を過ぎたもの", datetime(2026, 12, 2, 9, 0, tzinfo=TOKYO)),
    ):
        article_by(writer, title, S.SCHEDULED, publish_at=at)
    with time_machine.travel(now, tick=False):
        response = desk_of(editor)
    assert titles(response.context["desk"].scheduled) == ["予定を過ぎたもの", "明日", "最終日の夜"]
    html = response.content.decode()
    assert "予定時刻を過ぎています" in html
    assert "12月3日（木）09:00" in html


def test_recently_published_are_the_latest_ten_newest_first(editor, writer):
    for hours in range(12):
        article_by(
            writer, f"{hours}時間前に公開", S.PUBLISHED, published_at=timezone.now() - timedelta(hours=hours)
        )
    shown = titles(desk_of(editor).context["desk"].recently_published)
    assert shown == [f"{hours}時間前に公開" for hours in range(10)]


def test_the_list_of_models_is_still_on_the_home_page(superuser):
    html = desk_of(superuser).content.decode()
    assert 'id="all-admin"' in html and "すべての管理項目" in html
    assert reverse("admin:auth_user_changelist") in html
    assert html.index('id="desk-mine"') < html.index('id="all-admin"')


def a_busy_day(number, *, editor, writer, other_writer):
    """One of each: articles in review, scheduled, drafted, published, a send-back and a notification."""
    for user, stage in ((writer, S.REVIEW), (other_writer, S.SCHEDULED), (editor, S.DRAFT)):
        article = article_by(user, f"記事{number}-{stage}", stage)
        Transition.objects.create(article=article, from_status=S.DRAFT, to_status=stage, actor=user)
    article_by(other_writer, f"公開{number}", S.PUBLISHED)
    sent_back = Transition.objects.create(
        article=article, from_status=S.REVIEW, to_status=S.DRAFT, actor=writer, comment=f"指摘{number}"
    )
    Notification.objects.create(
        recipient=editor, kind=Notification.Kind.SUBMITTED, article=article, transition=sent_back
    )


def test_the_desk_costs_the_same_few_queries_however_many_articles(
    editor, writer, other_writer, django_assert_max_num_queries
):
    make_author(name="編集 花子", slug="hanako", user=editor)
    client = Client()
    client.force_login(editor)
    a_busy_day(0, editor=editor, writer=writer, other_writer=other_writer)
    with CaptureQueriesContext(connection) as one_of_each:
        client.get(reverse("admin:index"))
    for number in range(1, 40):
        a_busy_day(number, editor=editor, writer=writer, other_writer=other_writer)
    # Session, user, permissions, author profile, the unread count, the sections (the review
    # queue with its total; what was sent back, articles and changes to live ones apart),
    # the authors of every article shown: none grows with the articles.
    with django_assert_max_num_queries(15) as forty_of_each:
        response = client.get(reverse("admin:index"))
    # The one more: the review queue's total, counted only once the list is full.
    assert len(forty_of_each) == len(one_of_each) + 1
    desk = response.context["desk"]
    assert desk.review_total == 40 and len(desk.review_queue) == 20
    assert [len(stage.latest) for stage in desk.mine] == [5]
    assert len(desk.sent_back) == 10 and len(desk.recently_published) == 10 and len(desk.notifications) == 5
