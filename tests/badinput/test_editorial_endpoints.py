"""The editors' endpoints: Markdown preview, image upload, tag suggestions and
the continuation panel, fed with odd, huge and binary input."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.urls import reverse
from PIL import Image

from editorial.continuation import segments
from editorial.models import Segment
from tests.factories import make_article

pytestmark = pytest.mark.django_db

PREVIEW_URL = "/editorial/markdownx/markdownify/"
UPLOAD_URL = "/editorial/markdownx/upload/"
SUGGEST_URL = "/editorial/tags/suggest/"
UNREADABLE = "画像として読み込めないファイルです。JPEG・PNG・GIF・WebP の画像を選んでください。"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(image_format="PNG", size=(8, 8), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=image_format)
    return buffer.getvalue()


def upload(client, name, content, content_type="image/png"):
    return client.post(
        UPLOAD_URL,
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()]


# Markdown preview -----------------------------------------------------------------


def test_preview_over_the_body_limit_says_so_in_the_preview_pane(editor_client, settings):
    response = editor_client.post(PREVIEW_URL, {"content": "あ" * (settings.ARTICLE_BODY_MAX_CHARS + 1)})
    assert response.status_code == 413
    assert response.content.decode() == (
        '<p class="preview-error">本文が長すぎます（100,001 文字、上限 100,000 文字）。'
        "記事を分けるなどして、上限以内に収めてください。</p>"
    )


@override_settings(ARTICLE_BODY_MAX_CHARS=100)
def test_preview_at_the_limit_renders(editor_client):
    response = editor_client.post(PREVIEW_URL, {"content": "あ" * 100})
    assert response.status_code == 200 and "あ" * 100 in response.content.decode()


def test_preview_larger_than_a_request_may_be_is_the_japanese_413_page(editor_client, settings):
    response = editor_client.post(PREVIEW_URL, {"content": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 413
    assert "送信された内容が大きすぎます" in response.content.decode()


@pytest.mark.parametrize(
    "raw",
    [
        b"content=%FF%FE%00%01%02%89PNG%0D%0A%1A%0A",
        b"content=" + bytes(range(0x80, 0x100)),
        b"content=%ED%A0%80%ED%B0%80",
        b"content=" + os.urandom(2000).replace(b"&", b"").replace(b"=", b""),
    ],
)
def test_binary_or_invalid_utf8_preview_renders_safely(editor_client, raw):
    response = editor_client.post(PREVIEW_URL, raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    html = response.content.decode()
    assert "\x00" not in html and "<script" not in html


def test_preview_of_deeply_nested_markdown_answers(editor_client):
    nested = ">" * 5000 + " 引用\n\n" + "[" * 5000 + "x" + "]" * 5000 + "\n\n" + "*" * 10_000
    response = editor_client.post(PREVIEW_URL, {"content": nested})
    assert response.status_code == 200


# Image upload -----------------------------------------------------------------------


def test_truncated_png_is_refused_and_nothing_is_stored(editor_client, media):
    whole = image_bytes(size=(64, 64))
    response = upload(editor_client, "cut.png", whole[: len(whole) // 2])
    assert response.status_code == 400
    assert response.json()["image"][0] in (
        UNREADABLE,
        "画像をアップロードしてください。アップロードしたファイルは画像でないか、または壊れています。",
    )
    assert not stored_files(media)


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("random.png", os.urandom(4096), "image/png"),
        ("nul.png", b"\x00" * 4096, "image/png"),
        ("header-only.png", b"\x89PNG\r\n\x1a\n", "image/png"),
        ("notes.txt", "ただのテキストです。".encode(), "text/plain"),
        ("doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf"),
        ("page.jpg", b"<!doctype html><title>x</title>", "image/jpeg"),
    ],
)
def test_files_that_are_not_images_are_refused_in_japanese(editor_client, media, name, content, content_type):
    response = upload(editor_client, name, content, content_type)
    assert response.status_code == 400
    (message,) = response.json()["image"]
    assert message in (
        UNREADABLE,
        "画像をアップロードしてください。アップロードしたファイルは画像でないか、または壊れています。",
    )
    assert not stored_files(media)


def test_empty_upload_is_refused_in_japanese(editor_client, media):
    response = upload(editor_client, "empty.png", b"")
    assert response.status_code == 400
    assert response.json()["image"] == ["入力されたファイルは空です。"]


def test_image_in_a_format_we_do_not_serve_is_refused(editor_client, media):
    response = upload(editor_client, "old.bmp", image_bytes("BMP"), "image/bmp")
    assert response.status_code == 400
    assert response.json()["image"] == ["対応していない画像形式です。JPEG・PNG・GIF・WebP を使ってください。"]
    assert not stored_files(media)


def test_image_with_too_many_pixels_is_refused_before_it_is_decoded(editor_client, media):
    # A few kilobytes of PNG that would decode to 48 million pixels.
    response = upload(editor_client, "bomb.png", image_bytes(size=(8000, 6000), mode="1"))
    assert response.status_code == 400
    assert response.json()["image"] == [
        "画像の画素数が多すぎます（8,000×6,000、上限 4,000 万画素）。縮小してからアップロードしてください。"
    ]
    assert not stored_files(media)


def test_upload_over_the_size_limit_is_refused_in_japanese(editor_client, media, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 1024 * 1024
    response = upload(editor_client, "big.png", image_bytes() + b"\x00" * (1024 * 1024))
    assert response.status_code == 400
    assert response.json()["image"] == ["画像が大きすぎます（上限 1 MB）。"]


def test_upload_without_a_file_is_refused_in_japanese(editor_client, media):
    response = editor_client.post(UPLOAD_URL, {}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 400
    assert response.json()["image"] == ["このフィールドは必須です。"]


# Tag suggestions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("%", []),
        ("_", []),
        ("\\", []),
        ("'", []),
        ("\x00", ["AI", "AIチップ", "半導体"]),
        ("AI\x00", ["AI", "AIチップ"]),
        ("a" * 10_000, []),
        ("🚀", []),
        ("   ", ["AI", "AIチップ", "半導体"]),
        ("ａｉ", []),
    ],
)
def test_tag_suggestions_with_odd_queries_answer_json(editor_client, published_article, query, expected):
    published_article.tags.set(["AI", "AIチップ", "半導体"])
    response = editor_client.get(SUGGEST_URL, {"q": query})
    assert response.status_code == 200
    assert response.json() == {"tags": expected}


# Continuation panel -----------------------------------------------------------------------


@pytest.fixture
def article(writer, category):
    return make_article(title="冷却技術", body="", authors=[writer.author_profile], categories=[category])


def panel(article):
    return reverse("admin:articles_article_continuation", args=[article.pk])


def test_blank_continuation_is_refused_in_japanese(editor_client, article):
    response = editor_client.post(panel(article), {"action": "add", "text": " \n\u3000\t "})
    assert "追加する本文を貼り付けてください。" in response.content.decode()
    assert not Segment.objects.exists()


@override_settings(ARTICLE_BODY_MAX_CHARS=1000)
def test_continuation_over_the_body_limit_is_refused_and_kept(editor_client, article):
    text = "続" * 1001
    response = editor_client.post(panel(article), {"action": "add", "text": text})
    html = response.content.decode()
    assert "続きの本文が長すぎます（1,001 文字、上限 1,000 文字）。" in html
    assert text in html
    assert not Segment.objects.exists()


def test_continuation_with_nul_bytes_is_refused_with_a_clear_message(editor_client, article):
    response = editor_client.post(panel(article), {"action": "add", "text": "続き\x00\x01です"})
    assert "使えない制御文字（NUL）が含まれています。" in response.content.decode()
    assert not Segment.objects.exists()


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x0b", "\x7f", "\x85"])
def test_continuation_with_a_control_character_is_refused_and_kept(editor_client, article, control):
    response = editor_client.post(panel(article), {"action": "add", "text": f"続き{control}です"})
    assert f"使えない制御文字（U+{ord(control):04X}）が 3 文字目にあります。" in response.content.decode()
    assert not Segment.objects.exists()


def test_continuation_keeps_tabs_and_line_breaks(editor_client, article):
    response = editor_client.post(panel(article), {"action": "add", "text": "続き\r\n\tです"})
    assert response.status_code == 302
    assert "\tです" in Segment.objects.get(article=article).text


@pytest.mark.parametrize("parent", ["abc", str(10**30), "-1", "²", "1 OR 1=1"])
def test_continuation_with_an_impossible_parent_is_refused_in_japanese(editor_client, article, parent):
    response = editor_client.post(panel(article), {"action": "add", "text": "続きです。", "parent": parent})
    assert response.status_code == 200
    assert "正しく選択してください。選択したものは候補にありません。" in response.content.decode()
    assert not Segment.objects.exists()


def test_parent_from_another_article_is_refused(editor_client, editor, article, author):
    other = make_article(title="別の記事", body="", authors=[author])
    foreign, _ = segments.add_segment(other, text="別の記事の部分です。", by=editor)
    response = editor_client.post(
        panel(article), {"action": "add", "text": "続きです。", "parent": str(foreign.pk)}
    )
    assert "正しく選択してください。" in response.content.decode()
    assert not Segment.objects.filter(article=article).exists()


@pytest.mark.parametrize("confirmed", ["²", "１", str(10**30), "abc", ""])
def test_odd_confirmed_parent_is_ignored_and_the_text_is_added(editor_client, article, confirmed):
    response = editor_client.post(
        panel(article), {"action": "add", "text": "最初の部分です。", "confirmed_parent": confirmed}
    )
    assert response.status_code == 302
    assert Segment.objects.get(article=article).parent is None


@pytest.mark.parametrize("leaf", ["²", str(10**30), "", "abc"])
def test_choosing_an_impossible_leaf_is_a_404(editor_client, article, leaf):
    assert editor_client.post(panel(article), {"action": "choose", "leaf": leaf}).status_code == 404


@pytest.mark.parametrize("value", ["²", str(10**30), "１"])
def test_revision_diff_with_impossible_ids_is_a_404(editor_client, article, value):
    url = reverse("admin:articles_article_revision_diff", args=[article.pk])
    assert editor_client.get(url, {"from": value}).status_code == 404
    assert editor_client.get(url, {"from": "1", "to": value}).status_code == 404


@override_settings(ARTICLE_BODY_MAX_CHARS=1000)
def test_a_continuation_that_makes_the_body_too_long_is_refused_and_not_added(editor_client, editor, article):
    segments.add_segment(article, text="あ" * 900, by=editor)
    response = editor_client.post(panel(article), {"action": "add", "text": "い" * 200}, follow=True)
    html = response.content.decode()
    assert "組み立てた本文が長すぎます（" in html and " 文字、上限 1,000 文字）。" in html
    article.refresh_from_db()
    assert Segment.objects.filter(article=article).count() == 1 and "い" not in article.body
