"""Two people save the same article: different paragraphs merge, the same paragraph asks."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from editorial import revisions
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article

BODY = "序。\n\n第一段落。\n\n第二段落。\n\n結び。"


@pytest.fixture
def article(writer, category):
    article = make_article(
        title="元の題",
        body=BODY,
        excerpt="抜粋。",
        tags=["AI"],
        authors=[writer.author_profile],
        categories=[category],
    )
    revisions.record_revision(article, by=writer)  # what the admin records when an article is created
    return article


@pytest.fixture
def clients(editor, superuser):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(superuser)
    return first, second


def url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_changes_to_different_paragraphs_are_merged_and_said(article, clients):
    first, second = clients
    opened = change_form_data(article)  # both open version 1
    assert (
        first.post(
            url(article), {**opened, "body": BODY.replace("第一段落。", "第一段落（編集者）。")}
        ).status_code
        == 302
    )
    response = second.post(
        url(article),
        {**opened, "body": BODY.replace("結び。", "結び（編集長）。"), "tags": "AI, 決算"},
        follow=True,
    )
    assert response.status_code == 200
    saved = Article.objects.get(pk=article.pk)
    assert saved.body == "序。\n\n第一段落（編集者）。\n\n第二段落。\n\n結び（編集長）。"
    assert sorted(saved.tags.names()) == ["AI", "決算"]
    assert any("合わせて保存しました" in message for message in messages_of(response))
    assert saved.version == 3


def test_the_same_paragraph_changed_twice_asks_and_keeps_both_when_asked(article, clients):
    first, second = clients
    opened = change_form_data(article)
    first.post(url(article), {**opened, "body": BODY.replace("第二段落。", "第二段落（編集者の直し）。")})
    mine = {
        **opened,
        "body": BODY.replace("第二段落。", "第二段落（編集長の直し）。").replace("序。", "序（編集長）。"),
    }
    asked = second.post(url(article), mine)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "他の人の保存と重なりました" in page and 'name="_merge_body-1"' in page
    assert "第二段落（編集者の直し）。" in page and "第二段落（編集長の直し）。" in page
    assert Article.objects.get(pk=article.pk).body == BODY.replace("第二段落。", "第二段落（編集者の直し）。")
    # The choice is sent with the same form (still opened at version 1).
    assert second.post(url(article), {**mine, "_merge_body-1": "both"}).status_code == 302
    assert Article.objects.get(pk=article.pk).body == (
        "序（編集長）。\n\n第一段落。\n\n第二段落（編集長の直し）。\n\n第二段落（編集者の直し）。\n\n結び。"
    )


def test_a_title_both_changed_is_chosen(article, clients):
    first, second = clients
    opened = change_form_data(article)
    first.post(url(article), {**opened, "title": "編集者の題"})
    mine = {**opened, "title": "編集長の題"}
    assert 'name="_merge_field-title"' in second.post(url(article), mine).content.decode()
    assert second.post(url(article), {**mine, "_merge_field-title": "theirs"}).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "編集者の題"


def test_a_nonsense_choice_is_asked_again(article, clients):
    first, second = clients
    opened = change_form_data(article)
    first.post(url(article), {**opened, "title": "編集者の題"})
    response = second.post(url(article), {**opened, "title": "編集長の題", "_merge_field-title": "drop-it"})
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).title == "編集者の題"
