"""Two editors save the same article at the same moment, on real PostgreSQL."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from articles.models import Article
from editorial import workflow
from editorial.models import PendingVersion, Revision
from tests.editorial.admin_forms import change_form_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_saves_one_wins_the_other_is_refused_and_keeps_its_text(
    editor, superuser, ready_article
):
    url = reverse("admin:articles_article_change", args=[ready_article.pk])
    texts = {"editor": "編集者Aの本文です。", "chief": "編集長Bの本文です。"}
    users = {"editor": editor, "chief": superuser}
    # Both forms were opened at version 1.
    forms = {name: change_form_data(ready_article, body=text) for name, text in texts.items()}
    start = threading.Barrier(2)
    responses = {}

    def save(name):
        client = Client()
        client.force_login(users[name])
        start.wait()
        try:
            responses[name] = client.post(url, forms[name])
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [200, 302]
    winner = next(name for name, response in responses.items() if response.status_code == 302)
    loser = next(name for name, response in responses.items() if response.status_code == 200)

    article = Article.objects.get(pk=ready_article.pk)
    assert article.body == texts[winner]
    assert article.version == 2
    assert Revision.objects.filter(article=article).count() == 1
    refused = responses[loser].content.decode()
    assert "他の人の保存と重なりました" in refused
    assert texts[loser] in refused


def _sessions_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps serving its first snapshot of the statistics.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_writer_save_queued_behind_an_approve_is_refused_once_it_gets_the_lock(writer, editor, ready_article):
    """The writer's save reads the article while it is still a draft (so the
    admin's permission check passes), then waits on the row lock an editor's
    approve holds; when it gets the lock the article is live, and a writer may
    not change a published article."""
    url = reverse("admin:articles_article_change", args=[ready_article.pk])
    data = change_form_data(ready_article, body="ライターが承認の裏で書き換えた本文です。")
    responses = {}

    def writer_saves():
        client = responses["client"] = Client()
        client.force_login(writer)
        try:
            responses["writer"] = client.post(url, data)
        finally:
            connection.close()

    saving = threading.Thread(target=writer_saves)
    with transaction.atomic():
        Article.objects.select_for_update().get(pk=ready_article.pk)
        saving.start()
        deadline = time.monotonic() + 20
        while _sessions_waiting_for_a_lock() == 0:
            assert time.monotonic() < deadline, "the writer's save never waited for the row lock"
            time.sleep(0.05)
        article = Article.objects.get(pk=ready_article.pk)
        workflow.submit(article, by=writer)
        workflow.approve(article, by=editor)
    saving.join(timeout=30)

    # A writer may propose changes to their own published article (issue 15, item 3):
    # the save waits as a pending version, says so, and readers keep the approved text.
    response = responses["writer"]
    assert response.status_code == 302
    article = Article.objects.get(pk=ready_article.pk)
    assert article.status == Article.Status.PUBLISHED
    assert article.body == ready_article.body
    assert not Revision.objects.filter(article=article).exists()
    assert PendingVersion.objects.get(article=article).body == "ライターが承認の裏で書き換えた本文です。"
    shown = responses["client"].get(response.url).content.decode()
    assert "この記事は開いたあとに公開されたため" in shown
