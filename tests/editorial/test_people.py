"""People (issue 15, item 5): author profiles made on first need, named 姓 名;
the author field starting with the person writing; names, not login ids,
wherever the office is shown who did something."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from articles.models import Article, Author
from editorial import people, tasks, workflow
from editorial.roles import WRITERS
from tests.editorial.admin_forms import change_form_data
from tests.editorial.test_admin import article_form_data
from tests.factories import READY_BODY, make_article, make_author

pytestmark = pytest.mark.django_db

ADD = "admin:articles_article_add"


@pytest.fixture
def new_writer(writer):
    """A writer with a name and no author profile yet (``writer`` makes the groups)."""
    user = get_user_model().objects.create_user(
        "ken", email="ken@example.jp", password="password", is_staff=True, last_name="山田", first_name="健"
    )
    user.groups.add(Group.objects.get(name=WRITERS))
    return user


def test_opening_the_new_article_form_makes_a_profile_named_family_name_first(client, new_writer):
    client.force_login(new_writer)
    response = client.get(reverse(ADD))
    assert response.status_code == 200
    profile = Author.objects.get(user=new_writer)
    assert (profile.name, profile.is_team) == ("山田 健", False)
    assert "あなたの著者プロフィール「山田 健」を作りました。" in response.content.decode()
    client.get(reverse(ADD))
    assert Author.objects.filter(user=new_writer).count() == 1


def test_a_profile_for_an_account_without_a_name_is_named_by_its_login_id(writer):
    nameless = get_user_model().objects.create_user("sato", is_staff=True)
    profile, created = people.ensure_author_profile(nameless)
    assert created and profile.name == "sato"
    assert profile.slug == f"staff-{nameless.pk}"  # the public address never shows a login id
    assert people.ensure_author_profile(nameless) == (profile, False)


def test_two_people_with_the_same_name_get_different_addresses(writer):
    first = get_user_model().objects.create_user("a", is_staff=True, last_name="田中", first_name="一")
    second = get_user_model().objects.create_user("b", is_staff=True, last_name="田中", first_name="一")
    one, _ = people.ensure_author_profile(first)
    two, _ = people.ensure_author_profile(second)
    assert one.slug == "田中-一" and two.slug == f"田中-一-{second.pk}"


def test_the_new_article_form_starts_with_the_person_writing_as_author(client, writer):
    client.force_login(writer)
    response = client.get(reverse(ADD))
    formset = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.prefix == "article_authors"
    ).formset
    assert formset.forms[0]["author"].value() == writer.author_profile.pk
    assert re.search(
        rf'<option value="{writer.author_profile.pk}" selected>山田 書子</option>',
        response.content.decode(),
    )


def test_the_trap_is_gone_a_first_save_under_the_team_byline_is_refused_not_hidden(
    client, new_writer, category
):
    """A writer without a profile picked the team byline, saved, and lost the
    article (「ID "5" の記事は見つかりませんでした」). Now the save is refused
    with the form kept, and saving with themselves as author shows the article."""
    team = make_author(name="ALLFORCES編集部", slug="team", is_team=True)
    client.force_login(new_writer)
    data = article_form_data(categories=[str(category.pk)], **{"article_authors-0-author": str(team.pk)})
    refused = client.post(reverse(ADD), data)
    assert refused.status_code == 200 and not Article.objects.exists()
    assert "あなた（山田 健）を著者から外すと" in refused.content.decode()

    profile = Author.objects.get(user=new_writer)  # made by the first save
    data["article_authors-0-author"] = str(profile.pk)
    data["article_authors-TOTAL_FORMS"] = "2"
    data.update({"article_authors-1-author": str(team.pk), "article_authors-1-position": "1"})
    saved = client.post(reverse(ADD), data)
    assert saved.status_code == 302
    article = Article.objects.get()
    assert article.ordered_authors == [profile, team]
    assert client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 200


def test_a_writer_cannot_take_themselves_off_their_own_draft(client, writer, ready_article):
    team = make_author(name="ALLFORCES編集部", slug="team", is_team=True)
    client.force_login(writer)
    data = change_form_data(ready_article, **{"article_authors-0-author": str(team.pk)})
    response = client.post(reverse("admin:articles_article_change", args=[ready_article.pk]), data)
    assert response.status_code == 200
    assert ready_article.ordered_authors == [writer.author_profile]


def test_an_editor_may_leave_a_team_byline_alone(client, editor, ready_article):
    team = make_author(name="ALLFORCES編集部", slug="team", is_team=True)
    client.force_login(editor)
    data = change_form_data(ready_article, **{"article_authors-0-author": str(team.pk)})
    response = client.post(reverse("admin:articles_article_change", args=[ready_article.pk]), data)
    assert response.status_code == 302
    ready_article.refresh_from_db()
    assert ready_article.ordered_authors == [team]


def test_a_writer_renames_their_own_profile_but_not_its_address_or_anyone_else_s(
    client, writer, other_writer
):
    client.force_login(writer)
    own = writer.author_profile
    url = reverse("admin:articles_author_change", args=[own.pk])
    page = client.get(url).content.decode()
    assert 'name="name"' in page and 'name="slug"' not in page and 'name="is_team"' not in page
    response = client.post(url, {"name": "山田 書子（編集部）", "bio": "半導体担当。", "slug": "hacked"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.bio, own.slug) == ("山田 書子（編集部）", "半導体担当。", "yamada")

    theirs = other_writer.author_profile
    response = client.post(reverse("admin:articles_author_change", args=[theirs.pk]), {"name": "乗っ取り"})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "別の書き手"


def test_display_names_are_family_name_first_then_author_name_then_login_id(writer):
    named = get_user_model().objects.create_user("ken2", last_name="山田", first_name="健")
    assert people.display_name(named) == "山田 健"
    assert people.display_name(writer) == "山田 書子"  # no name on the account: the author profile's
    assert people.display_name(get_user_model().objects.create_user("nobody")) == "nobody"
    assert people.display_name(None) == ""


def test_the_histories_name_people_not_login_ids(client, new_writer, editor, category):
    profile, _ = people.ensure_author_profile(new_writer)
    article = make_article(
        title="推論モデルの台頭",
        body=READY_BODY,
        excerpt="要点です。",
        tags=["AI"],
        authors=[profile],
        categories=[category],
    )
    client.force_login(new_writer)
    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form_data(article, body=READY_BODY + "\n\n追記です。"),
    )
    workflow.submit(article, by=new_writer)
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    history = html.split("ステージの変更履歴", 1)[1]
    assert '<td data-label="操作した人">山田 健</td>' in history
    assert '<td data-label="保存した人">山田 健</td>' in history
    assert ">ken</td>" not in history


def test_the_greeting_is_family_name_first_with_san(client, new_writer):
    client.force_login(new_writer)
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(r"ようこそ\s*<strong>山田 健</strong>\s*さん", html)
    assert "<strong>健</strong>" not in html


def test_the_user_form_asks_family_name_first(client, superuser, new_writer):
    client.force_login(superuser)
    for url in (reverse("admin:auth_user_change", args=[new_writer.pk]), reverse("admin:auth_user_add")):
        html = client.get(url).content.decode()
        assert html.index('name="last_name"') < html.index('name="first_name"'), url


def test_notification_e_mails_name_who_acted(settings, new_writer, editor, category):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    editor.last_name, editor.first_name = "佐藤", "花子"
    editor.save()
    profile, _ = people.ensure_author_profile(new_writer)
    article = make_article(
        title="推論モデルの台頭",
        body=READY_BODY,
        excerpt="要点です。",
        tags=["AI"],
        authors=[profile],
        categories=[category],
    )
    workflow.submit(article, by=new_writer)
    workflow.request_changes(article, by=editor, comment="出典を")
    tasks.send_notifications()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "山田 健 さんによってレビューに提出されました" in bodies["editor@example.jp"]
    assert "佐藤 花子 さんによって差し戻されました" in bodies["ken@example.jp"]
    assert "ken" not in bodies["editor@example.jp"]
