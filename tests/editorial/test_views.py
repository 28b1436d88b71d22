import io

import pytest
from django.urls import reverse
from PIL import Image

from tests.images import truncated_png

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("editorial:markdown_upload"),
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def test_preview_is_refused_to_anonymous_users(client):
    response = client.post(reverse("editorial:markdown_preview"), {"content": "# x"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_preview_is_sanitised(admin_client):
    response = admin_client.post(
        reverse("editorial:markdown_preview"), {"content": '## 見出し\n\n<img src=x onerror="alert(1)">'}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="見出し">見出し<a class="headerlink"' in html
    assert "onerror" not in html


def test_preview_without_content_is_a_400(admin_client):
    assert admin_client.post(reverse("editorial:markdown_preview"), {}).status_code == 400


def test_preview_keeps_csrf_protection(admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(reverse("editorial:markdown_preview"), {"content": "x"}).status_code == 403


def test_upload_is_refused_to_anonymous_users(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(client, "a.png", png_bytes(), "image/png")
    assert response.status_code == 302
    assert not any(tmp_path.rglob("*.png"))


def test_real_image_upload_is_stored_under_a_generated_name(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(admin_client, "my photo.png", png_bytes(), "image/png")
    assert response.status_code == 200, response.content
    stored = list(tmp_path.rglob("*.png"))
    assert len(stored) == 1
    assert "my photo" not in stored[0].name
    assert response.json()["image_code"].startswith("![](")


def test_upload_checks_content_not_name(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(admin_client, "evil.png", b"<html><script>alert(1)</script></html>", "image/png")
    assert response.status_code == 400
    assert "画像として読み込めない" in response.json()["image"][0]
    assert not any(tmp_path.rglob("*"))


def test_truncated_png_upload_is_refused_in_japanese(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(admin_client, "cut.png", truncated_png(), "image/png")
    assert response.status_code == 400
    assert response.json()["image"] == [
        "画像として読み込めないファイルです。JPEG・PNG・GIF・WebP の画像を選んでください。"
    ]
    assert not any(tmp_path.rglob("*"))


def gif_with_a_script_comment(frames=("red",)):
    buffer = io.BytesIO()
    images = [Image.new("RGB", (16, 16), colour) for colour in frames]
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=100,
        comment=b"<script>alert(document.cookie)</script>",
    )
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["poly.html", "poly.svg", "poly.xhtml", "poly.php", "poly"])
def test_upload_is_stored_with_the_extension_of_its_format_and_without_comments(
    admin_client, settings, tmp_path, name
):
    settings.MEDIA_ROOT = tmp_path
    response = upload(admin_client, name, gif_with_a_script_comment(), "text/html")
    assert response.status_code == 200, response.content
    (stored,) = tmp_path.rglob("*.*")
    assert stored.parent == tmp_path / "uploads" and stored.suffix == ".gif" and stored.stem.isalnum()
    assert response.json()["image_code"] == f"![](/media/uploads/{stored.name})"
    assert b"<script" not in stored.read_bytes()


def test_animated_gif_upload_keeps_its_frames(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(admin_client, "a.gif", gif_with_a_script_comment(("red", "green", "blue")), "image/gif")
    assert response.status_code == 200, response.content
    (stored,) = tmp_path.rglob("*.gif")
    with Image.open(stored) as image:
        assert image.n_frames == 3 and "comment" not in image.info


def test_jpeg_named_png_is_stored_as_jpeg(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG", comment=b"<html>")
    assert upload(admin_client, "photo.png", buffer.getvalue(), "image/png").status_code == 200
    (stored,) = tmp_path.rglob("*.*")
    assert stored.suffix == ".jpg" and b"<html>" not in stored.read_bytes()


def test_svg_upload_is_refused(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    assert upload(admin_client, "a.svg", svg, "image/svg+xml").status_code == 400


def test_oversized_upload_is_refused(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 10
    response = upload(admin_client, "a.png", png_bytes(), "image/png")
    assert response.status_code == 400
    assert "大きすぎます" in response.json()["image"][0]


def test_tag_suggestions_for_staff_only(client, admin_client, published_article):
    published_article.tags.set(["AI", "AIチップ", "半導体"])
    assert client.get(reverse("editorial:tag_suggestions"), {"q": "AI"}).status_code == 302
    response = admin_client.get(reverse("editorial:tag_suggestions"), {"q": "ai"})
    assert response.json() == {"tags": ["AI", "AIチップ"]}
