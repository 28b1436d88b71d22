import pytest
from django.contrib.admin import ModelAdmin
from django.contrib.admin.models import ADDITION, LogEntry
from django.test import Client
from django.urls import reverse

from media_library import library
from media_library.admin import ImageAdmin
from media_library.models import Image
from tests.factories import make_article
from tests.images import truncated_png
from tests.media_library.conftest import image_bytes, make_image, uploaded

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:media_library_image_upload")
BROWSE_URL = reverse("admin:media_library_image_browse")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def described(**overrides):
    return {"alt": "夜のデータセンター", "caption": "", "credit": "写真：筆者", "source": "", **overrides}


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()]


# Uploading from the dialog ------------------------------------------------------------


def test_a_writer_uploads_from_the_dialog_and_gets_what_to_insert(writer, media):
    response = client_for(writer).post(
        UPLOAD_URL, {"upload": uploaded(), **described(caption="稼働中の棟", source="自社撮影")}
    )
    assert response.status_code == 201, response.content
    shown = response.json()["image"]
    image = Image.objects.get()
    assert shown["id"] == image.pk and shown["url"] == f"/media/{image.file.name}"
    assert shown["markdown"] == library.markdown_for(image)
    assert (shown["credit"], shown["uploaded_by"], shown["cover_problem"]) == (
        "写真：筆者",
        "山田 書子",
        None,
    )
    assert (image.caption, image.source, image.uploaded_by) == ("稼働中の棟", "自社撮影", writer)
    assert LogEntry.objects.get().action_flag == ADDITION
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("alt", "代替テキストを入力してください。画像が見えない読者は、この説明で内容を知ります。"),
        ("credit", "クレジットを入力してください。出版社として、画像の出どころを読者に示します"),
    ],
)
def test_an_upload_without_alt_text_or_credit_is_refused_in_japanese(writer, media, missing, message):
    response = client_for(writer).post(UPLOAD_URL, {"upload": uploaded(), **described(**{missing: "  "})})
    assert response.status_code == 400
    assert response.json()["errors"][missing][0].startswith(message)
    assert not Image.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "画像として読み込めないファイルです。JPEG・PNG・GIF・WebP の画像を選んでください。",
        ),
        (
            truncated_png(),
            "画像として読み込めないファイルです。JPEG・PNG・GIF・WebP の画像を選んでください。",
        ),
        (image_bytes(format="BMP"), "対応していない画像形式です。JPEG・PNG・GIF・WebP を使ってください。"),
    ],
    ids=["html", "truncated", "bmp"],
)
def test_what_is_not_an_accepted_image_is_refused_in_japanese(writer, media, content, message):
    response = client_for(writer).post(UPLOAD_URL, {"upload": uploaded(content), **described()})
    assert response.status_code == 400
    assert response.json()["errors"] == {"upload": [message]}
    assert stored_files(media) == []


def test_an_image_over_the_limit_is_refused_in_japanese(writer, media, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 1024 * 1024
    big = uploaded(b"\0" * (settings.MARKDOWNX_UPLOAD_MAX_SIZE + 1))
    response = client_for(writer).post(UPLOAD_URL, {"upload": big, **described()})
    assert response.json()["errors"] == {"upload": ["画像が大きすぎます（上限 1 MB）。"]}


def test_no_file_is_refused_in_japanese(writer):
    response = client_for(writer).post(UPLOAD_URL, described())
    assert response.json()["errors"] == {"upload": ["画像ファイルを選んでください。"]}


@pytest.mark.parametrize("field", ["alt", "caption", "credit", "source"])
def test_nul_in_a_description_is_refused_with_a_clear_message(writer, media, field):
    response = client_for(writer).post(UPLOAD_URL, {"upload": uploaded(), **described(**{field: "前\x00後"})})
    assert response.status_code == 400
    assert "使えない制御文字（NUL）" in response.json()["errors"][field][0]
    assert stored_files(media) == []


def test_every_error_comes_back_at_once(writer):
    response = client_for(writer).post(
        UPLOAD_URL, {"upload": uploaded(b"not an image"), "alt": "", "credit": ""}
    )
    assert sorted(response.json()["errors"]) == ["alt", "credit", "upload"]


def test_the_dialog_names_its_fields_in_japanese_and_says_credit_is_expected(writer):
    html = client_for(writer).get(reverse("admin:media_library_image_dialog")).content.decode()
    for label in (
        "画像ファイル",
        "代替テキスト",
        "キャプション",
        "クレジット",
        "入手元",
        "（必須）",
        "ライブラリから選ぶ",
    ):
        assert label in html
    assert "出版社として" not in html  # the refusal's words; the help text says what to write
    assert "「写真：ロイター」「出典：内閣府」「ALLFORCES編集部作成」" in html
    assert 'id="media-library-alt"' in html and 'for="media-library-alt"' in html
    assert "<script" not in html and "style=" not in html


# Browsing ----------------------------------------------------------------------------


def test_browse_finds_images_by_alt_caption_or_credit(writer):
    gpu = make_image(alt="GPUの出荷台数", caption="推論向けが伸びた", credit="出典：IDC")
    plant = make_image(alt="半導体工場", credit="写真：ロイター")
    client = client_for(writer)
    found = {
        query: [image["id"] for image in client.get(BROWSE_URL, {"q": query}).json()["images"]]
        for query in ("gpu", "推論", "ロイター", "出典 IDC", "", "該当なし")
    }
    assert found == {
        "gpu": [gpu.pk],
        "推論": [gpu.pk],
        "ロイター": [plant.pk],
        "出典 IDC": [gpu.pk],
        "": [plant.pk, gpu.pk],
        "該当なし": [],
    }


def test_browse_comes_page_by_page_newest_first(writer, settings):
    images = [make_image(alt=f"画像{number}") for number in range(26)]
    client = client_for(writer)
    first = client.get(BROWSE_URL).json()
    second = client.get(BROWSE_URL, {"page": first["next_page"]}).json()
    assert [image["id"] for image in first["images"] + second["images"]] == [i.pk for i in reversed(images)]
    assert (first["next_page"], second["next_page"]) == (2, None)


@pytest.mark.parametrize(
    "params", [{"q": "\x00"}, {"page": "abc"}, {"page": "10" * 30}, {"page": "-1"}, {"q": "a" * 5000}]
)
def test_browse_survives_bad_parameters(writer, params):
    assert client_for(writer).get(BROWSE_URL, params).status_code == 200


# The admin's own pages -----------------------------------------------------------------


def test_the_list_shows_thumbnails_and_searches_the_descriptions(writer):
    make_image(alt="GPUの出荷台数", credit="出典：IDC")
    make_image(alt="半導体工場", credit="写真：ロイター")
    response = client_for(writer).get(reverse("admin:media_library_image_changelist"), {"q": "ロイター"})
    html = response.content.decode()
    assert "半導体工場" in html and "GPUの出荷台数" not in html
    assert 'class="library-thumbnail"' in html and 'loading="lazy"' in html
    for label in ("代替テキスト", "クレジット", "アップロードした人", "アップロード日時"):
        assert label in html


def test_the_admin_add_page_cleans_the_upload_like_the_dialog(writer, media):
    response = client_for(writer).post(
        reverse("admin:media_library_image_add"), {"upload": uploaded(), **described()}
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == writer and (media / image.file.name).exists()


def test_the_admin_add_page_keeps_what_was_typed_when_it_refuses(writer, media):
    response = client_for(writer).post(
        reverse("admin:media_library_image_add"),
        {"upload": uploaded(b"not an image"), **described(caption="残したい説明")},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "画像として読み込めないファイルです。" in html
    assert 'value="残したい説明"' in html and 'value="夜のデータセンター"' in html
    assert stored_files(media) == []


def test_the_change_page_says_where_the_image_is_used(editor, author):
    image = make_image()
    article = make_article(title="推論モデルの台頭", body=library.markdown_for(image), authors=[author])
    html = (
        client_for(editor).get(reverse("admin:media_library_image_change", args=[image.pk])).content.decode()
    )
    assert "使われている記事" in html and "「推論モデルの台頭」（本文）" in html
    assert reverse("admin:articles_article_change", args=[article.pk]) in html


def test_a_writer_is_not_told_the_title_of_another_writer_s_draft(writer, other_writer):
    image = make_image(by=writer)
    make_article(title="他人の極秘の下書き", cover=image.file.name, authors=[other_writer.author_profile])
    make_article(title="自分の下書き", body=library.markdown_for(image), authors=[writer.author_profile])
    html = (
        client_for(writer).get(reverse("admin:media_library_image_change", args=[image.pk])).content.decode()
    )
    assert "「自分の下書き」（本文）" in html and "ほかに 1 件（あなたが開けない記事）" in html
    assert "他人の極秘の下書き" not in html


def test_a_writer_describes_their_own_images_and_only_reads_others(writer, other_writer):
    mine, theirs = make_image(by=writer), make_image(by=other_writer)
    client = client_for(writer)
    for image, expected in ((mine, 302), (theirs, 403)):
        response = client.post(
            reverse("admin:media_library_image_change", args=[image.pk]), described(alt="書き換えた説明")
        )
        assert response.status_code == expected
    assert Image.objects.get(pk=mine.pk).alt == "書き換えた説明"
    assert Image.objects.get(pk=theirs.pk).alt == "データセンターの外観"


def test_an_editor_describes_anyone_s_image(editor, writer):
    image = make_image(by=writer)
    url = reverse("admin:media_library_image_change", args=[image.pk])
    assert client_for(editor).post(url, described(credit="出典：総務省")).status_code == 302
    assert Image.objects.get(pk=image.pk).credit == "出典：総務省"


# Deleting ----------------------------------------------------------------------------


def test_deleting_an_image_in_use_is_refused_with_where_it_is_used(editor, author, media):
    image = make_image()
    make_article(title="推論モデルの台頭", body=library.markdown_for(image), authors=[author])
    make_article(title="表紙の記事", cover=image.file.name, authors=[author])
    url = reverse("admin:media_library_image_delete", args=[image.pk])
    client = client_for(editor)

    page = client.get(url).content.decode()
    assert "次の記事で使われているため、削除できません。本文や表紙から外してから削除してください。" in page
    assert "「推論モデルの台頭」（本文）" in page and "「表紙の記事」（表紙）" in page
    assert 'name="post"' not in page

    client.post(url, {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists() and (media / image.file.name).exists()


def test_bulk_deleting_images_refuses_all_when_one_is_in_use(editor, author):
    used, unused = make_image(alt="使用中の画像"), make_image(alt="未使用の画像")
    make_article(title="推論モデルの台頭", body=library.markdown_for(used), authors=[author])
    response = client_for(editor).post(
        reverse("admin:media_library_image_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    )
    html = response.content.decode()
    assert "記事で使われているため、どれも削除していません。" in html
    assert "「使用中の画像」: " in html and "「推論モデルの台頭」（本文）" in html
    assert Image.objects.count() == 2


def test_an_editor_deletes_an_unused_image_and_its_file(editor, media, django_capture_on_commit_callbacks):
    image = make_image()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(
            reverse("admin:media_library_image_delete", args=[image.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Image.objects.exists() and stored_files(media) == []


def test_an_image_put_to_use_after_the_confirmation_page_is_still_not_deleted(editor, author, monkeypatch):
    image = make_image()
    url = reverse("admin:media_library_image_delete", args=[image.pk])
    client = client_for(editor)
    assert 'name="post"' in client.get(url).content.decode()
    make_article(title="間に合った記事", body=library.markdown_for(image), authors=[author])
    # As if the article had been saved between the page's check and the delete: the
    # page's check passes, the delete's own check (under the row lock) must not.
    monkeypatch.setattr(ImageAdmin, "get_deleted_objects", ModelAdmin.get_deleted_objects)
    response = client.post(url, {"post": "yes"}, follow=True)
    assert Image.objects.filter(pk=image.pk).exists()
    assert "「間に合った記事」（本文）" in " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("role", ["writer", "other_writer"])
def test_a_writer_s_forged_delete_deletes_nothing(request, role):
    image = make_image(by=request.getfixturevalue("writer"))
    client = client_for(request.getfixturevalue(role))
    client.post(reverse("admin:media_library_image_delete", args=[image.pk]), {"post": "yes"})
    client.post(
        reverse("admin:media_library_image_changelist"),
        {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"},
    )
    assert Image.objects.filter(pk=image.pk).exists()
