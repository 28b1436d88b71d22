"""Two people save the same article: different paragraphs merge, the same paragraph asks."""

import re

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
    assert "他の人の保存と重なりました" in page
    [key] = set(re.findall(r'name="(_merge_body-[0-9a-f]+)"', page))
    assert "第二段落（編集者の直し）。" in page and "第二段落（編集長の直し）。" in page
    assert Article.objects.get(pk=article.pk).body == BODY.replace("第二段落。", "第二段落（編集者の直し）。")
    # The choice is sent with the same form (still opened at version 1).
    assert second.post(url(article), {**mine, key: "both"}).status_code == 302
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


def test_the_body_keeps_its_formatting_through_a_merge(article, clients):
    first, second = clients
    body = "序。\r\n\r\n```\r\nline1\r\n\r\n\r\n  line2\r\n```\r\n\r\n    indented code\r\n\r\n- a\r\n\r\n  - b\r\n\r\n結び。"
    Article.objects.filter(pk=article.pk).update(body=body)
    article.refresh_from_db()
    revisions.record_revision(article, by=None)
    opened = change_form_data(article)
    first.post(url(article), {**opened, "body": body.replace("序。", "序（編集者）。")})
    # The other one's form was sent with LF line breaks (an import, a script): not a change.
    assert (
        second.post(
            url(article), {**opened, "body": body.replace("\r\n", "\n").replace("結び。", "結び（編集長）。")}
        ).status_code
        == 302
    )
    saved = Article.objects.get(pk=article.pk).body.replace("\r\n", "\n")
    assert saved == body.replace("\r\n", "\n").replace("序。", "序（編集者）。").replace(
        "結び。", "結び（編集長）。"
    )


def test_a_choice_made_for_another_clash_is_asked_again(article, clients, writer):
    first, second = clients
    opened = change_form_data(article)
    first.post(url(article), {**opened, "body": BODY.replace("第二段落。", "第二段落（一度目）。")})
    mine = {**opened, "body": BODY.replace("第二段落。", "第二段落（編集長）。")}
    [key] = set(
        re.findall(r'name="(_merge_body-[0-9a-f]+)"', second.post(url(article), mine).content.decode())
    )
    # Yet another save changes the same paragraph before the choice comes back.
    third = Client()
    third.force_login(writer)
    latest = change_form_data(Article.objects.get(pk=article.pk))
    assert (
        third.post(
            url(article), {**latest, "body": BODY.replace("第二段落。", "第二段落（二度目）。")}
        ).status_code
        == 302
    )
    response = second.post(url(article), {**mine, key: "mine"})
    assert response.status_code == 200 and "第二段落（二度目）。" in response.content.decode()
    assert "第二段落（二度目）。" in Article.objects.get(pk=article.pk).body


def test_a_live_article_s_pending_version_is_not_merged_over_an_older_text(
    writer, editor, superuser, category
):
    from editorial import pending
    from tests.editorial.live_articles import make_live_article, pending_form_data

    live = make_live_article(writer, category)
    revisions.record_revision(live, by=writer)
    chief, other = Client(), Client()
    chief.force_login(superuser)
    other.force_login(editor)
    live.refresh_from_db()
    chief.post(url(live), change_form_data(live, body=live.body + "\n\n追加した段落（誤り）。"))
    live.refresh_from_db()
    opened = pending_form_data(live)
    without = {**opened, "body": opened["body"].replace("\n\n追加した段落（誤り）。", "")}
    assert other.post(url(live), without).status_code == 302
    response = chief.post(url(live), {**opened, "title": "編集長の題"})
    assert response.status_code == 200 and "他の人の保存と重なりました" in response.content.decode()
    live.refresh_from_db()
    assert "追加した段落（誤り）" not in pending.pending_of(live).body
