"""The article form, the workflow panel's inputs and the change list's filters:
bad values get a Japanese message, the editor's text stays, nothing is saved."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Category
from editorial import workflow
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db

S = Article.Status
ADD_URL = "/admin/articles/article/add/"
CHANGELIST_URL = "/admin/articles/article/"
FIX_BELOW = "下記のエラーを修正してください。"


def add_form_data(author, **overrides):
    data = {
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
    }
    data.update(overrides)
    return data


def errors_of(response):
    return {field: list(errors) for field, errors in response.context["adminform"].form.errors.items()}


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Titles ----------------------------------------------------------------------


def test_overlong_title_is_refused_in_japanese_and_the_text_is_kept(editor_client, author):
    title = "長" * 201
    body = "## 見出し\n\n編集者が書いた本文はそのまま残ります。"
    response = editor_client.post(ADD_URL, add_form_data(author, title=title, body=body))
    html = response.content.decode()
    assert response.status_code == 200
    assert errors_of(response)["title"] == [
        "この値は 200 文字以下でなければなりません( 201 文字になっています)。"
    ]
    assert FIX_BELOW in html
    assert title in html and "編集者が書いた本文はそのまま残ります。" in html
    assert not Article.objects.exists()


def test_overlong_title_on_an_existing_article_changes_nothing(editor_client, draft_article):
    data = change_form_data(draft_article, title="長" * 300, body="新しい本文")
    response = editor_client.post(change_url(draft_article), data)
    assert (
        "この値は 200 文字以下でなければなりません( 300 文字になっています)。" in errors_of(response)["title"]
    )
    fresh = Article.objects.get(pk=draft_article.pk)
    assert (fresh.title, fresh.body, fresh.version) == (draft_article.title, draft_article.body, 1)


def test_nul_in_the_title_or_body_gets_a_message_that_says_so(editor_client, author):
    response = editor_client.post(ADD_URL, add_form_data(author, title="見出し\x00", body="本文\x00です"))
    errors = errors_of(response)
    for field in ("title", "body"):
        assert errors[field] == [
            "使えない制御文字（NUL）が含まれています。"
            "コピー元の文章を確認し、その文字を取り除いてからもう一度保存してください。"
        ]
    assert not Article.objects.exists()


def test_overlong_excerpt_is_refused_in_japanese(editor_client, author):
    response = editor_client.post(ADD_URL, add_form_data(author, excerpt="要" * 301))
    assert errors_of(response)["excerpt"] == [
        "この値は 300 文字以下でなければなりません( 301 文字になっています)。"
    ]
    assert not Article.objects.exists()


# Slugs -------------------------------------------------------------------------


def test_duplicate_slug_is_refused_in_japanese_and_nothing_is_saved(editor_client, author, published_article):
    response = editor_client.post(
        ADD_URL, add_form_data(author, title="別の記事", slug=published_article.slug, body="別の本文")
    )
    assert errors_of(response)["slug"] == ["この スラッグ を持った 記事 が既に存在します。"]
    assert "別の本文" in response.content.decode()
    assert Article.objects.count() == 1


def test_renaming_to_a_taken_slug_leaves_both_articles_as_they_were(editor_client, draft_article, author):
    other = make_article(title="他の記事", slug="taken", authors=[author])
    response = editor_client.post(change_url(draft_article), change_form_data(draft_article, slug="taken"))
    assert errors_of(response)["slug"] == ["この スラッグ を持った 記事 が既に存在します。"]
    draft_article.refresh_from_db()
    other.refresh_from_db()
    assert draft_article.slug != "taken" and draft_article.version == 1 and other.title == "他の記事"


@pytest.mark.parametrize("slug", ["a b", "a/b", "記事?", "x" * 201])
def test_slug_with_spaces_slashes_or_too_long_is_refused_in_japanese(editor_client, author, slug):
    response = editor_client.post(ADD_URL, add_form_data(author, slug=slug))
    (message,) = errors_of(response)["slug"]
    assert message in (
        "ユニコード文字、数字、アンダースコアまたはハイフンで構成された、有効なスラグを入力してください。",
        "この値は 200 文字以下でなければなりません( 201 文字になっています)。",
    )
    assert not Article.objects.exists()


def test_empty_slug_for_a_title_already_used_gets_a_free_one(editor_client, author, published_article):
    response = editor_client.post(ADD_URL, add_form_data(author, title=published_article.title))
    assert response.status_code == 302
    assert Article.objects.get(title=published_article.title, status=S.DRAFT).slug == (
        f"{published_article.slug}-2"
    )


# Dates ---------------------------------------------------------------------------

BAD_DATE = "日付を正しく入力してください（例: 2026/12/3、2026-12-03、2026年12月3日）。"
BAD_TIME = "時刻を正しく入力してください（例: 9:30、09:30、9時30分）。"


@pytest.mark.parametrize(
    "day, time, message",
    [
        ("2030-02-30", "09:00", BAD_DATE),
        ("2030-13-01", "09:00", BAD_DATE),
        ("来週", "09:00", BAD_DATE),
        ("2030-01-01", "25:00", BAD_TIME),
        ("2030-01-01", "9時半", BAD_TIME),
        ("2030-01-01", "", BAD_TIME),
        ("99999-01-01", "09:00", BAD_DATE),
    ],
)
def test_impossible_or_unparsable_publish_time_is_refused_in_japanese(
    editor_client, author, day, time, message
):
    response = editor_client.post(ADD_URL, add_form_data(author, publish_at_0=day, publish_at_1=time))
    assert message in errors_of(response)["publish_at"]
    assert not Article.objects.exists()


@pytest.mark.parametrize("day", ["2020-01-01", "0001-01-01"])
def test_a_publish_time_in_the_past_is_refused(editor_client, author, day):
    response = editor_client.post(ADD_URL, add_form_data(author, publish_at_0=day, publish_at_1="00:00"))
    (message,) = errors_of(response)["publish_at"]
    assert message.startswith("公開予定日時が過ぎています。未来の日時を指定するか、空欄にしてください")
    assert not Article.objects.exists()


def test_the_latest_possible_publish_time_is_accepted_in_tokyo_time(editor_client, author):
    response = editor_client.post(
        ADD_URL, add_form_data(author, publish_at_0="9999-12-31", publish_at_1="23:59")
    )
    assert response.status_code == 302
    assert timezone.localtime(Article.objects.get().publish_at).year == 9999


def test_a_past_time_already_on_the_article_does_not_block_other_edits(editor_client, draft_article):
    Article.objects.filter(pk=draft_article.pk).update(publish_at=timezone.now() - timedelta(days=1))
    draft_article.refresh_from_db()
    local = timezone.localtime(draft_article.publish_at)
    data = change_form_data(
        draft_article,
        body="直した本文です。",
        publish_at_0=f"{local:%Y-%m-%d}",
        publish_at_1=f"{local:%H:%M:%S}",
    )
    assert editor_client.post(change_url(draft_article), data).status_code == 302
    assert Article.objects.get(pk=draft_article.pk).body == "直した本文です。"


# Body size -------------------------------------------------------------------------


def test_body_over_the_default_limit_is_refused_and_kept_in_the_form(editor_client, author, settings):
    assert settings.ARTICLE_BODY_MAX_CHARS == 100_000
    body = "あ" * 100_001
    response = editor_client.post(ADD_URL, add_form_data(author, body=body))
    assert errors_of(response)["body"] == [
        "本文が長すぎます（100,001 文字、上限 100,000 文字）。記事を分けるなどして、上限以内に収めてください。"
    ]
    assert body in response.content.decode()
    assert not Article.objects.exists()


@override_settings(ARTICLE_BODY_MAX_CHARS=50)
def test_body_at_the_limit_is_accepted(editor_client, author):
    assert editor_client.post(ADD_URL, add_form_data(author, body="あ" * 50)).status_code == 302
    assert Article.objects.get().body == "あ" * 50


def test_post_larger_than_django_accepts_is_a_japanese_413_page(editor_client, author, settings):
    body = "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = editor_client.post(ADD_URL, add_form_data(author, body=body))
    html = response.content.decode()
    assert response.status_code == 413
    assert "送信された内容が大きすぎます" in html and "何も保存していません" in html
    assert "Bad Request" not in html
    assert not Article.objects.exists()


def test_post_with_too_many_fields_is_the_same_413_page(editor_client, author, settings):
    data = add_form_data(author)
    data.update({f"junk{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 413 and "送信された内容が大きすぎます" in response.content.decode()
    assert not Article.objects.exists()


# Related fields and hidden inputs --------------------------------------------------


@pytest.mark.parametrize("value", ["abc", str(10**30), "-1", "99999"])
def test_unknown_category_or_author_ids_are_refused_in_japanese(editor_client, author, value):
    response = editor_client.post(
        ADD_URL, add_form_data(author, categories=[value], **{"article_authors-0-author": value})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "正しく選択してください。" in html or "は有効な値ではありません" in html
    assert not Article.objects.exists()


def test_tampered_version_field_is_treated_as_an_edit_conflict(editor_client, draft_article):
    data = change_form_data(draft_article, loaded_version="abc", body="上書きしようとした本文")
    response = editor_client.post(change_url(draft_article), data)
    assert response.status_code == 200
    assert "他の人がこの記事を保存しました" in response.content.decode()
    assert Article.objects.get(pk=draft_article.pk).body == draft_article.body


# The workflow panel's time and verb ------------------------------------------------


@pytest.fixture
def scheduled(editor, writer, ready_article):
    workflow.submit(ready_article, by=writer)
    workflow.approve(ready_article, by=editor, publish_at=timezone.now() + timedelta(days=3))
    ready_article.refresh_from_db()
    return ready_article


def press(client, article, verb, **extra):
    article.refresh_from_db()
    return client.post(change_url(article), change_form_data(article, _workflow=verb, **extra), follow=True)


@pytest.mark.parametrize(
    "value",
    [
        "2030-02-30T09:00",
        "2030-13-01T09:00",
        "来週の月曜",
        "2030-01-01T09:00+25:00",
        "2030-01-01T09:00 Asia/Nowhere",
        "2030-01-01T09:00 JST",
        "99999-01-01T09:00",
        "1" * 10_000,
        "2030-01-01T09:00\x00",
    ],
)
def test_unparsable_reschedule_time_says_the_format_and_changes_nothing(editor_client, scheduled, value):
    before = scheduled.publish_at
    response = press(editor_client, scheduled, "reschedule", _workflow_publish_at=value)
    assert response.status_code == 200
    (message,) = [m for m in messages_of(response) if "日時" in m]
    assert message.startswith("日時の形式が正しくありません:") and message.endswith(
        "（例: 2026-12-01T09:00）"
    )
    assert len(message) < 200  # a 10,000-character value is not echoed whole
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.publish_at) == (S.SCHEDULED, before)


@pytest.mark.parametrize("value", ["2020-01-01T09:00", "0001-01-01T00:00", "2020-01-01T09:00+14:00"])
def test_reschedule_to_the_past_is_refused_in_japanese(editor_client, scheduled, value):
    before = scheduled.publish_at
    response = press(editor_client, scheduled, "reschedule", _workflow_publish_at=value)
    assert "公開予定日時には未来の日時を指定してください。" in messages_of(response)
    scheduled.refresh_from_db()
    assert scheduled.publish_at == before


def test_reschedule_without_a_time_asks_for_one(editor_client, scheduled):
    response = press(editor_client, scheduled, "reschedule", _workflow_publish_at="   ")
    assert "新しい公開予定日時を指定してください。" in messages_of(response)


def test_reschedule_with_an_explicit_offset_is_read_as_that_offset(editor_client, scheduled):
    press(editor_client, scheduled, "reschedule", _workflow_publish_at="2031-01-01T09:00+00:00")
    scheduled.refresh_from_db()
    assert timezone.localtime(scheduled.publish_at).strftime("%Y-%m-%d %H:%M") == "2031-01-01 18:00"


@pytest.mark.parametrize("verb", ["delete_everything", "", "approve\x00", "x" * 5000])
def test_unknown_workflow_verb_is_refused_in_japanese(editor_client, scheduled, verb):
    response = press(editor_client, scheduled, verb)
    assert "不明な操作です。" in messages_of(response)
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED


# Change list filters and admin searches --------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "publish_at__year=9999",
        f"publish_at__year={10**20}",
        "publish_at__year=2024&publish_at__month=13",
        "publish_at__year=2024&publish_at__month=2&publish_at__day=30",
        "publish_at__year=abc",
        "categories__id__exact=abc",
        "status__exact=bogus",
    ],
)
def test_impossible_change_list_filters_fall_back_to_the_full_list_with_a_message(
    editor_client, draft_article, query
):
    response = editor_client.get(f"{CHANGELIST_URL}?{query}", follow=True)
    assert response.status_code == 200
    assert "絞り込みの条件が正しくなかったため、条件を外してすべての記事を表示しています。" in messages_of(
        response
    ) or list(response.context["cl"].result_list) in ([], [draft_article])


def autocomplete(client, term):
    return client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "articles", "model_name": "article", "field_name": "categories"},
    )


@pytest.mark.parametrize("term", ["%", "_", "a" * 5000, "' OR 1=1 --", "🚀"])
def test_admin_search_and_autocomplete_with_odd_terms_find_nothing(editor_client, draft_article, term):
    response = editor_client.get(CHANGELIST_URL, {"q": term})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []
    assert autocomplete(editor_client, term).json()["results"] == []


def test_a_nul_in_an_admin_search_is_ignored_not_a_500(editor_client, draft_article, category):
    # The change list's own search form refuses it and lists everything; autocomplete drops it.
    assert editor_client.get(CHANGELIST_URL, {"q": "zzz\x00"}).status_code == 200
    assert [r["text"] for r in autocomplete(editor_client, "\x00投資").json()["results"]] == [category.name]


# Cover images, ids in admin URLs, refusals ---------------------------------------


def cover_upload(content, name="cover.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def png(size=(8, 8), mode="RGB"):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content", [b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, b"\x00" * 100]
)
def test_a_cover_that_is_not_an_image_is_refused_in_japanese(
    editor_client, author, settings, tmp_path, content
):
    settings.MEDIA_ROOT = tmp_path
    response = editor_client.post(ADD_URL, add_form_data(author, cover=cover_upload(content)))
    (message,) = errors_of(response)["cover"]
    assert message in (
        "画像をアップロードしてください。アップロードしたファイルは画像でないか、または壊れています。",
        "画像として読み込めないファイルです。",
    )
    assert not Article.objects.exists() and not any(tmp_path.rglob("*.*"))


def test_a_cover_with_too_many_pixels_is_refused(editor_client, author, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = editor_client.post(
        ADD_URL, add_form_data(author, cover=cover_upload(png(size=(8000, 6000), mode="1")))
    )
    assert errors_of(response)["cover"] == [
        "画像の画素数が多すぎます（8,000×6,000、上限 4,000 万画素）。縮小してからアップロードしてください。"
    ]
    assert not Article.objects.exists()


@pytest.mark.parametrize("object_id", ["abc", "%00", str(10**30), "-1"])
def test_change_page_for_an_impossible_id_goes_to_the_admin_index_in_japanese(editor_client, object_id):
    response = editor_client.get(f"{CHANGELIST_URL}{object_id}/change/", follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    (message,) = messages_of(response)
    assert message.startswith("ID “") and message.endswith(
        "” の記事は見つかりませんでした。削除された可能性があります。"
    )


def test_a_refused_admin_page_is_the_japanese_403(writer, other_writer, author):
    article = make_article(title="他人の記事", authors=[other_writer.author_profile])
    client = Client(raise_request_exception=False)
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert response.status_code == 403
    assert "このページを表示する権限がありません" in response.content.decode()


def test_duplicate_category_name_and_slug_are_refused_in_japanese(editor_client, superuser, category):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    response = client.post(
        "/admin/articles/category/add/", {"name": category.name, "slug": category.slug, "position": "0"}
    )
    form = response.context["adminform"].form
    assert form.errors["name"] == ["この 名前 を持った カテゴリー が既に存在します。"]
    assert form.errors["slug"] == ["この スラッグ を持った カテゴリー が既に存在します。"]


def test_a_stale_form_without_its_csrf_token_gets_the_japanese_403_and_saves_nothing(editor, author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(ADD_URL, add_form_data(author))
    html = response.content.decode()
    assert response.status_code == 403
    assert "送信を受け付けられませんでした" in html and "何も保存していません。" in html
    assert not Article.objects.exists()


def test_a_workflow_comment_with_nul_is_refused_and_the_stage_stays(editor_client, scheduled):
    response = press(editor_client, scheduled, "unschedule", _workflow_comment="理由\x00です")
    assert (
        "コメントに使えない制御文字（NUL）が含まれています。その文字を取り除いてから、もう一度操作してください。"
        in messages_of(response)
    )
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED


def test_a_workflow_comment_with_another_control_character_is_refused_and_the_stage_stays(
    editor_client, scheduled
):
    response = press(editor_client, scheduled, "unschedule", _workflow_comment="理由\x1bです\n次の行")
    assert (
        "コメントに使えない制御文字（U+001B）が 3 文字目にあります。その文字を取り除いてから、もう一度操作してください。"
        in messages_of(response)
    )
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED


def test_a_very_long_workflow_comment_is_kept_whole(editor_client, scheduled):
    from editorial.models import Transition

    press(editor_client, scheduled, "unschedule", _workflow_comment="理由" * 50_000)
    assert Transition.objects.get(from_status=S.SCHEDULED, to_status=S.REVIEW).comment == "理由" * 50_000


# Tags and positions -----------------------------------------------------------------


def test_a_tag_longer_than_a_tag_may_be_is_refused_in_japanese(editor_client, author):
    response = editor_client.post(ADD_URL, add_form_data(author, tags="AI, " + "長" * 101))
    assert response.status_code == 200
    (message,) = errors_of(response)["tags"]
    assert message.startswith("タグ「長長長") and "上限 100 文字" in message
    assert not Article.objects.exists()


def test_many_tags_and_odd_separators_are_saved_as_written(editor_client, author):
    response = editor_client.post(ADD_URL, add_form_data(author, tags='"A, B", C,, ,D 🚀'))
    assert response.status_code == 302
    assert sorted(Article.objects.get().tags.names()) == ["A, B", "C", "D 🚀"]


@pytest.mark.parametrize(
    "position, message",
    [
        ("abc", "整数を入力してください。"),
        ("99999", "この値は 32767 以下でなければなりません。"),
        ("-1", "この値は 0 以上でなければなりません。"),
    ],
)
def test_impossible_author_positions_are_refused_in_japanese(editor_client, author, position, message):
    response = editor_client.post(ADD_URL, add_form_data(author, **{"article_authors-0-position": position}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "day, time",
    [("2030-03-10", "02:30"), ("2030-11-03", "01:30")],  # skipped and repeated by the DST change
)
def test_a_local_time_that_does_not_exist_or_is_ambiguous_is_refused_in_japanese(
    editor_client, author, day, time
):
    # Tokyo has no daylight saving time; a deployment in another zone must still get a message.
    with override_settings(TIME_ZONE="America/New_York"):
        response = editor_client.post(ADD_URL, add_form_data(author, publish_at_0=day, publish_at_1=time))
    (message,) = errors_of(response)["publish_at"]
    assert "America/New_York" in message and "タイムゾーン" in message
    assert not Article.objects.exists()


# Control characters ------------------------------------------------------------------

CONTROLS = ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"]
ONE_LINE_BREAKS = ["\t", "\n", "\r"]


def assert_refused_for_a_control(errors, field):
    (message,) = errors[field]
    assert "制御文字" in message or "改行やタブは使えません" in message, message


@pytest.mark.parametrize("control", CONTROLS + ONE_LINE_BREAKS)
@pytest.mark.parametrize("field", ["title", "cover_alt"])
def test_a_control_character_in_a_one_line_article_field_is_refused(editor_client, author, field, control):
    response = editor_client.post(
        ADD_URL, add_form_data(author, **{field: f"見出し{control}Bcc: x@example.com"})
    )
    assert_refused_for_a_control(errors_of(response), field)
    assert not Article.objects.exists()


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("field", ["body", "excerpt"])
def test_a_control_character_in_the_body_or_excerpt_is_refused(editor_client, author, field, control):
    response = editor_client.post(ADD_URL, add_form_data(author, **{field: f"本文{control}です"}))
    assert_refused_for_a_control(errors_of(response), field)
    assert not Article.objects.exists()


def test_the_message_names_the_character_and_where_it_is(editor_client, author):
    response = editor_client.post(ADD_URL, add_form_data(author, title="見出し\x1bです"))
    assert errors_of(response)["title"] == [
        "使えない制御文字（U+001B）が 4 文字目にあります。"
        "コピー元の文章を確認し、その文字を取り除いてからもう一度保存してください。"
    ]


def test_tabs_and_line_breaks_stay_allowed_in_the_body_and_excerpt(editor_client, author):
    body, excerpt = "## 見出し\r\n\r\n\tコード\n本文", "一行目\n二行目\tタブ"
    response = editor_client.post(ADD_URL, add_form_data(author, body=body, excerpt=excerpt))
    assert response.status_code == 302
    article = Article.objects.get()
    assert "\tコード" in article.body and article.excerpt == excerpt


@pytest.mark.parametrize("control", CONTROLS + ONE_LINE_BREAKS)
def test_a_control_character_in_a_tag_is_refused(editor_client, author, control):
    response = editor_client.post(ADD_URL, add_form_data(author, tags=f"AI, bad{control}tag"))
    assert_refused_for_a_control(errors_of(response), "tags")
    assert not Article.objects.exists()


def test_a_tag_refused_for_a_control_character_is_named_without_it(editor_client, author):
    response = editor_client.post(ADD_URL, add_form_data(author, tags="AI, bad\x0btag"))
    assert errors_of(response)["tags"] == [
        "タグ「badtag」: 使えない制御文字（U+000B）が 4 文字目にあります。"
        "その文字を取り除いてからもう一度保存してください。"
    ]


def test_a_control_character_in_a_slug_is_refused(editor_client, author):
    response = editor_client.post(ADD_URL, add_form_data(author, slug="ok\x1bslug"))
    assert errors_of(response)["slug"] == [
        "ユニコード文字、数字、アンダースコアまたはハイフンで構成された、有効なスラグを入力してください。"
    ]
    assert not Article.objects.exists()


def _post_as_superuser(superuser, url, data):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize(
    "model, field, one_line",
    [
        ("author", "name", True),
        ("author", "bio", False),
        ("category", "name", True),
        ("category", "description", False),
    ],
)
def test_a_control_character_in_an_author_or_category_field_is_refused(
    superuser, model, field, one_line, control
):
    data = {"name": "名前", "slug": "a-slug", "position": "0", field: f"文字{control}列"}
    errors = _post_as_superuser(superuser, f"/admin/articles/{model}/add/", data)
    assert_refused_for_a_control(errors, field)
    assert not Author.objects.exists() and not Category.objects.exists()


@pytest.mark.parametrize("model", ["author", "category"])
def test_a_line_break_in_an_author_or_category_name_is_refused(superuser, model):
    errors = _post_as_superuser(
        superuser, f"/admin/articles/{model}/add/", {"name": "名\n前", "slug": "s", "position": "0"}
    )
    assert errors["name"] == [
        "改行やタブは使えません（2 文字目）。1 行で書いてください。"
        "コピー元の文章を確認し、その文字を取り除いてからもう一度保存してください。"
    ]


@pytest.mark.parametrize("control", CONTROLS + ONE_LINE_BREAKS)
def test_a_control_character_in_a_tag_renamed_in_the_tag_admin_is_refused(superuser, control):
    errors = _post_as_superuser(
        superuser, "/admin/taggit/tag/add/", {"name": f"bad{control}tag", "slug": "badtag"}
    )
    assert_refused_for_a_control(errors, "name")
    assert not Tag.objects.exists()
