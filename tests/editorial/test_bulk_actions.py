"""Bulk actions in the article list (issue 15, item 4): every row through the
workflow's verbs or the content rule, checked on its own, with a summary of
what was done and, article by article, what was refused and why."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import pending, pending_review
from editorial.models import Revision, Transition
from tests.factories import READY_BODY, make_article, make_category

pytestmark = pytest.mark.django_db

S = Article.Status
LIST = "admin:articles_article_changelist"


def run(client, action, articles, **extra):
    data = {"action": action, "index": "0", "_selected_action": [str(a.pk) for a in articles], **extra}
    return client.post(reverse(LIST), data)


def answer(client, action, articles, **fields):
    """The intermediate page's form, posted back as the browser would."""
    data = {"action": action, "_selected_action": [str(a.pk) for a in articles], "_bulk_apply": "1", **fields}
    return client.post(reverse(LIST), data)


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def ready(writer, category, title, **fields):
    return make_article(
        title=title,
        body=READY_BODY,
        excerpt="要点です。",
        tags=["AI"],
        authors=[writer.author_profile],
        categories=[category],
        **fields,
    )


def stage_of(article):
    article.refresh_from_db()
    return article.status


def test_a_writer_submits_several_and_is_told_which_were_refused_and_why(client, writer, category):
    good = ready(writer, category, "揃った記事")
    missing = ready(writer, category, "抜粋のない記事")
    Article.objects.filter(pk=missing.pk).update(excerpt="")
    in_review = ready(writer, category, "提出済みの記事", status=S.REVIEW)
    client.force_login(writer)
    response = run(client, "submit_selected", [good, missing, in_review])
    assert response.status_code == 302
    assert (stage_of(good), stage_of(missing), stage_of(in_review)) == (S.REVIEW, S.DRAFT, S.REVIEW)
    message = said(response)
    assert "レビューに提出しました（1件）" in message and "「揃った記事」" in message
    assert "次の2件はできませんでした" in message
    assert "「抜粋のない記事」: この操作の前に直す必要があります: 抜粋がありません。" in message
    assert "「提出済みの記事」: すでに「レビュー中」です。" in message


def test_a_writer_is_not_offered_an_editor_s_actions_and_a_forged_one_moves_nothing(client, writer, category):
    article = ready(writer, category, "提出済みの記事", status=S.REVIEW)
    client.force_login(writer)
    choices = dict(client.get(reverse(LIST)).context["action_form"].fields["action"].choices)
    assert {"submit_selected", "add_category", "add_tag"} <= set(choices)
    assert not {"approve_now", "approve_at", "reschedule_selected", "archive_selected"} & set(choices)
    run(client, "approve_now", [article])
    assert stage_of(article) == S.REVIEW
    assert not Transition.objects.exists()


def test_an_editor_approves_now_and_a_draft_in_the_selection_is_refused(client, editor, writer, category):
    in_review = ready(writer, category, "レビュー中の記事", status=S.REVIEW)
    draft = ready(writer, category, "下書きの記事")
    client.force_login(editor)
    response = run(client, "approve_now", [in_review, draft])
    assert (stage_of(in_review), stage_of(draft)) == (S.PUBLISHED, S.DRAFT)
    assert "承認して公開しました（1件）" in said(response)
    assert "「下書きの記事」: 「公開中」にする操作は「レビュー中」の記事にだけ行えます" in said(response)


def test_approve_now_publishes_now_even_an_article_that_carries_a_future_time(
    client, editor, writer, category
):
    article = ready(
        writer, category, "予定日時つき", status=S.REVIEW, publish_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(editor)
    run(client, "approve_now", [article])
    assert stage_of(article) == S.PUBLISHED and article.published_at <= timezone.now()


def test_approve_at_a_time_asks_for_the_time_then_schedules_each(client, editor, writer, category):
    first = ready(writer, category, "一つ目", status=S.REVIEW)
    second = ready(writer, category, "二つ目", status=S.REVIEW)
    client.force_login(editor)
    page = run(client, "approve_at", [first, second])
    assert page.status_code == 200
    html = page.content.decode()
    assert "承認して公開予約" in html and "一つ目" in html and "二つ目" in html
    assert 'type="datetime-local"' in html and 'name="_selected_action"' in html

    past = answer(client, "approve_at", [first, second], publish_at="2020-01-01T09:00")
    assert past.status_code == 200
    assert "公開予定日時には未来の日時を指定してください。" in past.content.decode()
    assert (stage_of(first), stage_of(second)) == (S.REVIEW, S.REVIEW)

    done = answer(client, "approve_at", [first, second], publish_at="2030-01-01T09:00")
    assert done.status_code == 302
    for article in (first, second):
        assert stage_of(article) == S.SCHEDULED
        assert article.publish_at == datetime(2030, 1, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
    assert "承認し、2030-01-01 09:00 に公開予約しました（2件）" in said(done)


def test_reschedule_moves_scheduled_articles_and_refuses_the_others(client, editor, writer, category):
    scheduled = ready(
        writer, category, "予約済み", status=S.SCHEDULED, publish_at=timezone.now() + timedelta(days=1)
    )
    published = ready(writer, category, "公開済み", published=True)
    client.force_login(editor)
    response = answer(client, "reschedule_selected", [scheduled, published], publish_at="2030-02-01T18:30")
    scheduled.refresh_from_db()
    assert scheduled.publish_at == datetime(2030, 2, 1, 9, 30, tzinfo=UTC)
    assert stage_of(published) == S.PUBLISHED
    assert "「公開済み」: 公開日時を変更できるのは「公開予約」の記事だけです" in said(response)


def test_archive_takes_published_articles_down(client, editor, writer, category):
    published = ready(writer, category, "公開済み", published=True)
    client.force_login(editor)
    response = run(client, "archive_selected", [published])
    assert stage_of(published) == S.ARCHIVED
    assert "アーカイブしました（1件）" in said(response)


def test_a_bulk_move_is_entered_in_django_s_history(client, editor, writer, category):
    from django.contrib.admin.models import LogEntry

    published = ready(writer, category, "公開済み", published=True)
    client.force_login(editor)
    run(client, "archive_selected", [published])
    entry = LogEntry.objects.get(object_id=str(published.pk))
    assert (entry.user, entry.get_change_message()) == (editor, "公開中 → アーカイブ")


def test_add_a_category_is_a_content_change_checked_per_article(client, writer, category):
    markets = make_category(name="市場", slug="markets")
    draft = ready(writer, category, "下書き")
    in_review = ready(writer, category, "レビュー中", status=S.REVIEW)
    client.force_login(writer)
    page = run(client, "add_category", [draft, in_review])
    assert page.status_code == 200 and "追加するカテゴリー" in page.content.decode()

    response = answer(client, "add_category", [draft, in_review], category=str(markets.pk))
    assert response.status_code == 302
    assert sorted(draft.categories.values_list("slug", flat=True)) == ["investment", "markets"]
    assert list(in_review.categories.values_list("slug", flat=True)) == ["investment"]
    draft.refresh_from_db()
    revision = Revision.objects.get(article=draft)
    assert (draft.version, revision.version, revision.author) == (2, 2, writer)
    message = said(response)
    assert "カテゴリー「市場」を追加しました（1件）" in message
    assert "「レビュー中」: この記事は「レビュー中」のため変更できません" in message

    again = answer(client, "add_category", [draft], category=str(markets.pk))
    assert "すでにカテゴリー「市場」が付いています。" in said(again)
    assert Revision.objects.filter(article=draft).count() == 1


def test_adding_a_tag_to_a_scheduled_article_sends_it_back_to_review(client, editor, writer, category):
    scheduled = ready(
        writer, category, "予約済み", status=S.SCHEDULED, publish_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(editor)
    response = answer(client, "add_tag", [scheduled], name="半導体")
    assert sorted(scheduled.tags.names()) == ["AI", "半導体"]
    assert stage_of(scheduled) == S.REVIEW
    assert "「予約済み」「公開予約」→「レビュー中」" in said(response)


def test_a_bad_tag_name_is_refused_with_the_form_kept(client, editor, writer, category):
    article = ready(writer, category, "下書き")
    client.force_login(editor)
    response = answer(client, "add_tag", [article], name="半導\x07体")
    assert response.status_code == 200
    assert "タグの名前に" in response.content.decode()
    assert sorted(article.tags.names()) == ["AI"]


def test_the_other_writer_s_articles_cannot_be_reached_by_a_forged_selection(
    client, writer, other_writer, category
):
    theirs = make_article(
        title="他人の記事", body=READY_BODY, authors=[other_writer.author_profile], categories=[category]
    )
    client.force_login(writer)
    response = answer(client, "add_tag", [theirs], name="乗っ取り")
    assert list(theirs.tags.names()) == []
    assert "他人の記事" not in said(response)  # not even named in the summary


# A published article (issue 15, item 3): labels are added to its pending version.


def test_adding_a_category_to_a_published_article_goes_into_its_pending_version(
    client, editor, writer, category
):
    markets = make_category(name="市場", slug="markets")
    live = ready(writer, category, "公開中", status=S.PUBLISHED, published_at=timezone.now())
    client.force_login(editor)

    response = answer(client, "add_category", [live], category=str(markets.pk))

    message = said(response)
    assert "「公開中」（公開中の記事のため、未公開の変更に追加）" in message
    assert "読者に見えるのは、編集者が未公開の変更を公開してからです。" in message
    assert list(live.categories.values_list("slug", flat=True)) == ["investment"]
    proposed = pending.pending_of(Article.objects.get(pk=live.pk))
    assert sorted(proposed.categories) == sorted([category.pk, markets.pk])
    assert (proposed.body, proposed.tags, proposed.saved_by) == (READY_BODY, ["AI"], editor)
    assert not Revision.objects.filter(article=live).exists()

    again = answer(client, "add_category", [live], category=str(markets.pk))
    assert "すでにカテゴリー「市場」が付いています。" in said(again)


def test_adding_a_tag_to_a_published_article_keeps_what_its_pending_version_already_changed(
    client, editor, writer, category
):
    live = ready(writer, category, "公開中", status=S.PUBLISHED, published_at=timezone.now())
    client.force_login(editor)
    answer(client, "add_tag", [live], name="半導体")
    pending.PendingVersion.objects.filter(article=live).update(body="書き直した本文。")

    answer(client, "add_tag", [live], name="電力")

    proposed = pending.pending_of(Article.objects.get(pk=live.pk))
    assert (proposed.body, proposed.tags) == ("書き直した本文。", ["AI", "半導体", "電力"])
    assert sorted(live.tags.names()) == ["AI"]


def test_a_writer_adds_a_tag_to_their_own_published_article_as_a_proposal(client, writer, category):
    live = ready(writer, category, "自分の公開記事", status=S.PUBLISHED, published_at=timezone.now())
    client.force_login(writer)

    answer(client, "add_tag", [live], name="半導体")

    assert sorted(live.tags.names()) == ["AI"]
    assert pending.pending_of(Article.objects.get(pk=live.pk)).tags == ["AI", "半導体"]


def test_a_scheduled_change_is_taken_back_to_review_when_a_label_is_added(client, editor, writer, category):
    live = ready(writer, category, "公開中", status=S.PUBLISHED, published_at=timezone.now())
    client.force_login(editor)
    answer(client, "add_tag", [live], name="半導体")
    pending_review.schedule(live, by=editor, publish_at=timezone.now() + timedelta(hours=1))

    answer(client, "add_tag", [live], name="電力")

    proposed = pending.pending_of(Article.objects.get(pk=live.pk))
    assert proposed.publish_at is None and proposed.in_review


def test_archiving_in_bulk_says_which_pending_versions_went_too(client, editor, writer, category):
    live = ready(writer, category, "変更のある記事", status=S.PUBLISHED, published_at=timezone.now())
    plain = ready(writer, category, "変更のない記事", status=S.PUBLISHED, published_at=timezone.now())
    client.force_login(editor)
    answer(client, "add_tag", [live], name="半導体")

    response = run(client, "archive_selected", [live, plain])

    message = said(response)
    assert "「変更のある記事」「公開中」→「アーカイブ」（未公開の変更も破棄）" in message
    assert "「変更のない記事」「公開中」→「アーカイブ」<" in message
    assert not pending.PendingVersion.objects.exists()
