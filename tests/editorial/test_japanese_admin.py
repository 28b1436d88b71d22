"""Japanese everywhere an editor looks in the admin: the names of apps and models
(ours and other projects'), permission names, and dates typed as editors in Japan
write them, with the accepted forms shown and named when a value is refused."""

import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core.management.sql import emit_post_migrate_signal
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import gettext, override
from taggit.models import Tag

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"[A-Za-z]")


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
