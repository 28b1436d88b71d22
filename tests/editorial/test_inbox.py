"""In-app notifications: the outbox rows e-mail uses, listed for their
recipient, counted in the header of every admin page, marked read by their
recipient alone."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from editorial import workflow
from editorial.desk import inbox
from editorial.models import Notification

pytestmark = pytest.mark.django_db

S = Article.Status
Kind = Notification.Kind


def logged_in(user, **options):
    client = Client(**options)
    client.force_login(user)
    return client


@pytest.fixture
def sent_back(writer, editor, ready_article):
    """The writer's article submitted and sent back: one row for the editor, one for the writer."""
    workflow.submit(ready_article, by=writer)
    workflow.request_changes(ready_article, by=editor, comment="出典を追記してください。")
    return ready_article


def the_writer_s_row(writer):
    return Notification.objects.get(recipient=writer)


def test_the_list_is_the_user_s_own_newest_first_with_unread_marked(writer, editor, sent_back):
    workflow.submit(sent_back, by=writer)
    workflow.approve(sent_back, by=editor)
    older = Notification.objects.get(recipient=writer, kind=Kind.CHANGES_REQUESTED)
    Notification.objects.filter(pk=older.pk).update(read_at=timezone.now())
    response = logged_in(writer).get(reverse("admin:notifications"))
    rows = list(response.context["page"].object_list)
    assert [(row.kind, row.read_at is None) for row in rows] == [
        (Kind.PUBLISHED, True),
        (Kind.CHANGES_REQUESTED, False),
    ]
    html = response.content.decode()
    assert html.count('class="notification unread"') == 1
    assert "出典を追記してください。" in html
    assert "レビュー依頼" not in html  # the editor's row, not the writer's


def test_the_header_counts_unread_notifications_on_every_admin_page(writer, sent_back):
    # Django's password change page replaces the header's links with its own; it alone has no count.
    client = logged_in(writer)
    pages = [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[sent_back.pk]),
        reverse("admin:articles_article_schedule"),
        reverse("admin:notifications"),
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert '通知（未読 <strong class="unread-count">1</strong>）' in html, page
    Notification.objects.update(read_at=timezone.now())
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'class="notifications-link">通知</a>' in html


def test_the_header_count_is_one_query_however_many_notifications(writer, editor, sent_back):
    for _ in range(30):
        workflow.submit(sent_back, by=writer)
        workflow.request_changes(sent_back, by=editor, comment="もう一度。")
    client = logged_in(writer)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert '<strong class="unread-count">31</strong>' in html
    assert len([q for q in queries if 'FROM "editorial_notification"' in q["sql"]]) == 1


def test_opening_an_unread_notification_marks_it_read_and_goes_to_the_article(writer, sent_back):
    row = the_writer_s_row(writer)
    article_url = reverse("admin:articles_article_change", args=[sent_back.pk])
    response = logged_in(writer).post(
        reverse("admin:notification_read", args=[row.pk]), {"next": article_url}
    )
    assert response.status_code == 302 and response["Location"] == article_url
    row.refresh_from_db()
    assert row.read_at is not None


def test_marking_read_again_keeps_the_first_time(writer, sent_back):
    row = the_writer_s_row(writer)
    first = timezone.now() - timedelta(days=1)
    Notification.objects.filter(pk=row.pk).update(read_at=first)
    logged_in(writer).post(reverse("admin:notification_read", args=[row.pk]))
    row.refresh_from_db()
    assert row.read_at == first


def test_nobody_marks_another_person_s_notification(writer, other_writer, editor, superuser, sent_back):
    row = the_writer_s_row(writer)
    for someone in (other_writer, editor, superuser):
        response = logged_in(someone).post(reverse("admin:notification_read", args=[row.pk]))
        assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_marking_read_needs_the_csrf_token(writer, sent_back):
    row = the_writer_s_row(writer)
    client = logged_in(writer, enforce_csrf_checks=True)
    assert client.post(reverse("admin:notification_read", args=[row.pk])).status_code == 403
    assert client.post(reverse("admin:notifications_read_all")).status_code == 403
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_all_read_marks_only_the_user_s_own(writer, editor, sent_back):
    response = logged_in(writer).post(reverse("admin:notifications_read_all"), follow=True)
    assert "1件の通知を既読にしました。" in response.content.decode()
    assert Notification.objects.get(recipient=writer).read_at is not None
    assert Notification.objects.get(recipient=editor).read_at is None


def test_a_next_address_off_the_site_is_not_followed(writer, sent_back):
    row = the_writer_s_row(writer)
    client = logged_in(writer)
    for elsewhere in ("https://evil.example/", "//evil.example/", "/admin/\x00", "javascript:alert(1)"):
        response = client.post(reverse("admin:notification_read", args=[row.pk]), {"next": elsewhere})
        assert response["Location"] == reverse("admin:notifications"), elsewhere


def test_a_page_number_that_is_not_one_shows_a_page(writer, sent_back):
    for page in ("abc", "999", "\x00", "-1"):
        response = logged_in(writer).get(reverse("admin:notifications"), {"page": page})
        assert response.status_code == 200 and len(response.context["page"].object_list) == 1


def test_a_recipient_without_an_e_mail_address_still_sees_the_notification(writer, editor, ready_article):
    get_user_model().objects.filter(pk=writer.pk).update(email="")
    workflow.submit(ready_article, by=writer)
    workflow.request_changes(ready_article, by=editor, comment="見出しを直してください。")
    row = the_writer_s_row(writer)
    assert row.email_status == Notification.Email.NONE
    writer.refresh_from_db()
    assert list(inbox.inbox(writer)) == [row] and inbox.unread_count(writer) == 1


def test_a_writer_taken_off_an_article_no_longer_sees_its_news(writer, sent_back):
    assert inbox.unread_count(writer) == 1
    ArticleAuthor.objects.filter(article=sent_back, author__user=writer).delete()
    assert inbox.unread_count(writer) == 0
    assert list(logged_in(writer).get(reverse("admin:notifications")).context["page"].object_list) == []


def test_approval_for_a_later_time_tells_the_authors(writer, editor, ready_article):
    workflow.submit(ready_article, by=writer)
    workflow.approve(ready_article, by=editor, publish_at=timezone.now() + timedelta(days=1))
    row = Notification.objects.get(kind=Kind.APPROVED)
    assert (row.recipient, row.article) == (writer, ready_article)
    html = logged_in(writer).get(reverse("admin:notifications")).content.decode()
    assert "承認（公開予約）" in html
