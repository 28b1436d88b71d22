"""Two editors save the same article at the same moment, on real PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Article
from editorial.models import Revision
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
