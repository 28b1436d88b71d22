import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def png(width=2000, height=1000):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_cover_upload_is_stored_under_a_generated_name_and_served_in_sizes(
    admin_client, author, media, client, settings
):
    settings.SITE_URL = "https://allforces.example"
    article = make_article(title="表紙の記事", authors=[author], published=True)
    data = change_form_data(
        article, cover=SimpleUploadedFile("my photo.png", png(), "image/png"), cover_alt="夜のデータセンター"
    )
    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    article.refresh_from_db()
    assert article.cover.name.startswith("covers/") and "my photo" not in article.cover.name
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="夜のデータセンター"' in html and "480w" in html and "1600w" in html
    assert '<meta property="og:image" content="https://allforces.example/media/covers/' in html
    widths = sorted(Image.open(path).width for path in media.rglob("w/*.jpg"))
    assert widths == [480, 960, 1600]


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"<svg onload=alert(1)></svg>", "x.png", "画像"),
        (b"GIF89a" + b"\x00" * 20, "x.gif", "画像"),
    ],
)
def test_bad_cover_files_are_refused_in_japanese(admin_client, author, content, name, message):
    article = make_article(title="表紙の記事", authors=[author])
    data = change_form_data(article, cover=SimpleUploadedFile(name, content, "image/png"))
    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["cover"])
    assert not Article.objects.get(pk=article.pk).cover
