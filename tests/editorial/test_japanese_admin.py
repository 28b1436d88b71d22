"""Japanese everywhere an editor looks in the admin: the names of apps and models
(ours and other projects'), permission names, and dates typed as editors in Japan
write them, with the accepted forms shown and named when a value is refused."""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management.sql import emit_post_migrate_signal
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from taggit.models import Tag

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"
LATIN = re.compile(r"[A-Za-z]")
DATE_FORMS = "2026/12/3、2026-12-03、2026年12月3日"
TIME_FORMS = "9:30、09:30、9時30分"


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def add_form_data(author, **overrides):
    return {
        "title": "推論モデルの台頭",
        "slug": "",
        "body": "## はじめに\n\n推論の需要が伸びています。",
        "excerpt": "要約です。",
        "tags": "AI",
        "publish_at_0": "",
        "publish_at_1": "",
        "article_authors-TOTAL_FORMS": "1",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "1",
        "article_authors-MAX_NUM_FORMS": "1000",
        "article_authors-0-author": str(author.pk),
        "article_authors-0-position": "0",
        **overrides,
    }


def publish_at_errors(response):
    return list(response.context["adminform"].form.errors.get("publish_at", []))


# App and model names ------------------------------------------------------------------


def test_every_app_and_model_listed_in_the_admin_is_named_in_japanese(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    apps = site.get_app_list(request)
    names = [str(app["name"]) for app in apps] + [
        str(model["name"]) for app in apps for model in app["models"]
    ]
    assert {"ログイン制限", "タグ", "認証と認可", "記事"} <= {app["name"] for app in apps}
    assert [name for name in names if LATIN.search(name)] == []


def test_the_login_records_list_reads_in_japanese(client, superuser):
    AccessAttempt.objects.create(
        username="someone",
        ip_address="203.0.113.5",
        user_agent="Mozilla/5.0",
        http_accept="*/*",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    client.force_login(superuser)
    html = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    for japanese in ("ログイン失敗の集計", "IPアドレス", "ユーザー名", "失敗回数", "状態", "ロック中"):
        assert japanese in html
    for english in ("Access attempts", "IP Address", "Failed Logins", "Status", "Locked Out", "Attempt Time"):
        assert english not in html


def test_the_tag_page_names_tags_and_their_uses_in_japanese(client, superuser, published_article):
    client.force_login(superuser)
    published_article.tags.add("AI")
    tag = Tag.objects.get(name="AI")
    html = client.get(reverse("admin:taggit_tag_change", args=[tag.pk])).content.decode()
    assert "タグ付け" in html
    assert "Tagged items" not in html and "Taggit" not in html


def test_merging_tags_reads_in_japanese_from_start_to_end(client, superuser, published_article):
    published_article.tags.add("AI", "人工知能")
    client.force_login(superuser)
    session = client.session
    session["selected_tag_ids"] = ",".join(str(pk) for pk in Tag.objects.values_list("pk", flat=True))
    session.save()
    url = reverse("admin:taggit_tag_merge_tags")
    html = client.get(url).content.decode()
    assert "選んだ 2 個のタグを1つにまとめます" in html and "まとめた後のタグ名" in html
    assert "New Tag Name" not in html and "Enter new or existing tag name" not in html
    refused = client.post(url, {"new_tag_name": ""})
    assert "このフィールドは必須です。" in refused.content.decode()
    merged = client.post(url, {"new_tag_name": "AI"}, follow=True)
    assert "タグを統合しました。" in [str(message) for message in merged.context["messages"]]
    assert list(published_article.tags.names()) == ["AI"]


def test_the_compiled_catalog_says_what_the_po_file_says():
    # A .po edited without `make messages` would leave the .mo, which Django reads, behind.
    po = Path(settings.LOCALE_PATHS[0]) / "ja" / "LC_MESSAGES" / "django.po"
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po.read_text(), flags=re.MULTILINE)
    assert len(pairs) > 30
    with override("ja"):
        assert [(msgid, gettext(msgid)) for msgid, _ in pairs] == pairs


# Permission names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "app_label, codename, name",
    [
        ("articles", "add_article", "記事を追加できる"),
        ("articles", "change_article", "記事を変更できる"),
        ("articles", "delete_article", "記事を削除できる"),
        ("articles", "view_article", "記事を閲覧できる"),
        ("auth", "change_user", "ユーザーを変更できる"),
        ("taggit", "add_tag", "タグを追加できる"),
        ("axes", "delete_accessattempt", "ログイン失敗の集計を削除できる"),
        ("articles", "view_categorylisting", "カテゴリー別一覧の掲載を閲覧できる"),
    ],
)
def test_default_permissions_are_named_in_japanese(app_label, codename, name):
    assert Permission.objects.get(content_type__app_label=app_label, codename=codename).name == name


def test_no_default_permission_keeps_its_english_name():
    english = Permission.objects.filter(name__regex=r"^Can (add|change|delete|view) ")
    assert list(english.values_list("name", flat=True)) == []


def test_a_permission_a_model_declares_keeps_its_own_name():
    assert Permission.objects.get(codename="review_article").name == (
        "記事をレビューし、承認・公開・アーカイブできる（編集者）"
    )


def test_migrate_renames_permissions_stored_in_english_and_names_new_ones_in_japanese():
    Permission.objects.filter(codename="add_article").update(name="Can add 記事")
    Permission.objects.filter(codename="view_accesslog").delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert Permission.objects.get(codename="add_article").name == "記事を追加できる"
    assert Permission.objects.get(codename="view_accesslog").name == "ログイン履歴を閲覧できる"


# Dates and times ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", ["2030-12-03", "2030/12/3", "2030/12/03", "2030年12月3日", "２０３０／１２／３"]
)
@pytest.mark.parametrize("time", ["9:30", "09:30", "9時30分", "09:30:00", "９：３０"])
def test_a_publish_time_is_accepted_as_editors_in_japan_write_it(editor_client, author, day, time):
    response = editor_client.post(ADD_URL, add_form_data(author, publish_at_0=day, publish_at_1=time))
    assert response.status_code == 302, publish_at_errors(response)
    publish_at = timezone.localtime(Article.objects.get().publish_at)
    assert publish_at.strftime("%Y-%m-%d %H:%M") == "2030-12-03 09:30"


@pytest.mark.parametrize(
    "value",
    [
        "2030/12/3 9:30",
        "2030-12-03 09:30",
        "2030年12月3日 9時30分",
        "2030年12月3日9時30分",
        "2030年12月3日9:30",
    ],
)
def test_a_single_date_time_field_reads_the_same_forms(value):
    # No admin form has one today (the admin splits date and time); any later form gets the same rules.
    assert forms.DateTimeField().clean(value) == timezone.make_aware(datetime(2030, 12, 3, 9, 30))


def test_a_single_date_time_field_refuses_other_forms_naming_the_accepted_ones():
    with pytest.raises(ValidationError) as refusal:
        forms.DateTimeField().clean("2030年12月3日 午前9時半")
    assert refusal.value.messages == [
        "日時を正しく入力してください（例: 2026/12/3 9:30、2026-12-03 09:30、2026年12月3日 9時30分）。"
    ]


def test_an_hour_alone_is_on_the_hour(editor_client, author):
    editor_client.post(ADD_URL, add_form_data(author, publish_at_0="2030年12月3日", publish_at_1="9時"))
    assert timezone.localtime(Article.objects.get().publish_at).strftime("%H:%M") == "09:00"


@pytest.mark.parametrize("day", ["12/3/2030", "2030.12.3", "2030年12月", "来週の火曜"])
def test_a_date_in_another_form_is_refused_naming_the_forms_accepted(editor_client, author, day):
    response = editor_client.post(ADD_URL, add_form_data(author, publish_at_0=day, publish_at_1="9:30"))
    assert publish_at_errors(response) == [f"日付を正しく入力してください（例: {DATE_FORMS}）。"]
    assert not Article.objects.exists()


@pytest.mark.parametrize("time", ["9時半", "午前9時", "930"])
def test_a_time_in_another_form_is_refused_naming_the_forms_accepted(editor_client, author, time):
    response = editor_client.post(ADD_URL, add_form_data(author, publish_at_0="2030/12/3", publish_at_1=time))
    assert publish_at_errors(response) == [f"時刻を正しく入力してください（例: {TIME_FORMS}）。"]
    assert not Article.objects.exists()


def test_the_form_shows_the_accepted_forms_beside_the_inputs(editor_client):
    html = editor_client.get(ADD_URL).content.decode()
    assert f"例: {DATE_FORMS}" in html and f"例: {TIME_FORMS}" in html
    assert 'placeholder="2026/12/3"' in html and 'placeholder="9:30"' in html


def test_a_stored_time_is_shown_in_the_slash_form(editor_client, author):
    when = timezone.make_aware(datetime(2030, 12, 3, 9, 30))
    article = make_article(authors=[author], publish_at=when)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'value="2030/12/03"' in html and 'value="09:30"' in html


def test_the_date_pickers_catalog_is_japanese_and_reads_back_what_it_writes(editor_client):
    response = editor_client.get(reverse("admin:jsi18n"))
    script = response.content.decode()
    # json.dumps, as the catalog is written: month and weekday names, the calendar's one-letter days.
    for english, japanese in (
        ("January", "1月"),
        ("December", "12月"),
        ("Sunday", "日曜日"),
        ("Today", "今日"),
    ):
        assert f'"{english}": {json.dumps(japanese)}' in script
    assert f'"one letter Sunday\\u0004S": {json.dumps("日")}' in script
    formats = json.loads(re.search(r"django.formats = (\{.*?\});", script, flags=re.DOTALL).group(1))
    # The calendar writes the first date format and splits it again on "/", "-" or ".".
    assert formats["DATE_INPUT_FORMATS"][0] == "%Y/%m/%d"
    assert formats["TIME_INPUT_FORMATS"][0] == "%H:%M"
    assert formats["FIRST_DAY_OF_WEEK"] == 0
