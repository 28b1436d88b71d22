import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from articles.images import store_cover_renditions
from articles.models import Article
from articles.tasks import make_cover_renditions
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article
from tests.images import truncated_png

pytestmark = pytest.mark.django_db


def png(width=2000, height=1000):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload_cover(admin_client, article, content, name="my photo.png", **fields):
    data = change_form_data(article, cover=SimpleUploadedFile(name, content, "image/png"), **fields)
    return admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)


def reader_pages(article, author, category):
    published = article.published_at.astimezone()
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        category.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:archive_month", args=[published.year, published.month]),
    ]


def test_cover_upload_is_stored_under_a_generated_name_and_rendered_after_commit(
    admin_client, author, media, client, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://allforces.example"
    article = make_article(title="表紙の記事", authors=[author], published=True)
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload_cover(admin_client, article, png(), cover_alt="夜のデータセンター")
        assert response.status_code == 302, response.context["errors"] if response.context else response
        # The article is live: its new cover waits as a pending version until published (issue 15, item 3).
        assert not Article.objects.get(pk=article.pk).cover
        admin_client.post(reverse("admin:articles_article_pending_publish", args=[article.pk]))
    article.refresh_from_db()
    assert article.cover.name.startswith("covers/") and "my photo" not in article.cover.name
    assert article.cover_renditions is None  # made by the task, not by the request
    queued = [each for each in callbacks if getattr(each, "func", None) == make_cover_renditions.delay]
    assert [each.args for each in queued] == [(article.pk,)]

    make_cover_renditions(article.pk)

    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="夜のデータセンター"' in html and "480w" in html and "1600w" in html
    assert 'width="960" height="480"' in html
    assert '<meta property="og:image" content="https://allforces.example/media/covers/' in html
    widths = sorted(Image.open(path).width for path in media.rglob("w/*.jpg"))
    assert widths == [480, 960, 1600]


def test_truncated_png_cover_is_refused_in_japanese(admin_client, author, media):
    article = make_article(title="表紙の記事", authors=[author])
    response = upload_cover(admin_client, article, truncated_png())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover"] == ["画像として読み込めないファイルです。"]
    assert not Article.objects.get(pk=article.pk).cover
    assert not any(media.rglob("*.*"))


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"<svg onload=alert(1)></svg>", "x.png", "画像"),
        (b"GIF89a" + b"\x00" * 20, "x.gif", "画像"),
    ],
)
def test_bad_cover_files_are_refused_in_japanese(admin_client, author, content, name, message):
    article = make_article(title="表紙の記事", authors=[author])
    response = upload_cover(admin_client, article, content, name=name)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["cover"])
    assert not Article.objects.get(pk=article.pk).cover


@pytest.mark.parametrize("name", ["poly.html", "x.svg", "x.xhtml", "shell.php"])
def test_cover_named_as_a_page_or_script_is_refused(admin_client, author, media, name):
    article = make_article(title="表紙の記事", authors=[author])
    response = upload_cover(admin_client, article, png(40, 20), name=name)
    assert response.status_code == 200 and response.context["adminform"].form.errors["cover"]
    assert not any(media.rglob("*.*"))


@pytest.mark.parametrize("name", ["photo.jpg", "photo.webp", "photo.PNG.jpeg"])
def test_stored_cover_takes_the_extension_of_its_real_format(admin_client, author, name):
    article = make_article(title="表紙の記事", authors=[author])
    assert upload_cover(admin_client, article, png(40, 20), name=name).status_code == 302
    stored = Article.objects.get(pk=article.pk).cover.name
    assert stored.endswith(".png") and stored.count(".") == 1


def test_stored_cover_keeps_no_comment_or_exif(admin_client, author):
    exif = Image.Exif()
    exif[0x010E] = "<script>exif</script>"  # ImageDescription
    exif[0x0112] = 6  # rotated: applied to the pixels, then dropped with the rest
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(buffer, format="JPEG", comment=b"<script>c</script>", exif=exif)
    article = make_article(title="表紙の記事", authors=[author])
    assert upload_cover(admin_client, article, buffer.getvalue(), name="photo.jpg").status_code == 302
    cover = Article.objects.get(pk=article.pk).cover
    data = cover.read()
    assert cover.name.endswith(".jpg") and b"<script" not in data
    assert Image.open(io.BytesIO(data)).size == (20, 40)


def test_page_views_read_stored_renditions_and_touch_no_file(client, author, category, media):
    article = make_article(title="表紙の記事", authors=[author], categories=[category], published=True)
    article.cover.save("cover.png", ContentFile(png()))
    make_cover_renditions(article.pk)
    for path in media.rglob("*.*"):
        path.unlink()  # nothing a page could open or check is left

    for url in reader_pages(article, author, category):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/media/covers/" in response.content.decode(), url


@pytest.mark.parametrize("damage", ["corrupt", "missing", "never rendered"])
def test_cover_that_cannot_be_shown_leaves_pages_up_without_an_image(
    client, author, category, media, caplog, damage
):
    article = make_article(title="表紙の記事", authors=[author], categories=[category], published=True)
    name = default_storage.save("covers/2026/11/broken.png", ContentFile(truncated_png()))
    if damage == "missing":
        default_storage.delete(name)
    # A queryset update, as a restore or an older release may leave a row: no upload check ran.
    Article.objects.filter(pk=article.pk).update(cover=name)
    if damage != "never rendered":
        with caplog.at_level(logging.ERROR, logger="articles.images"):
            make_cover_renditions(article.pk)
        assert [record.message for record in caplog.records] == ["cover renditions failed"]
        assert Article.objects.get(pk=article.pk).cover_renditions["failed"]
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="articles.images"):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert 'class="cover"' not in response.content.decode() and "og:image" not in response.content.decode()
    logged = [record for record in caplog.records if record.name == "articles.images"]
    assert len(logged) == 1 and logged[0].article_id == article.pk
    for url in reader_pages(article, author, category):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/media/covers/" not in response.content.decode(), url


def test_renditions_of_a_replaced_cover_are_not_kept(author):
    article = make_article(title="表紙の記事", authors=[author])
    article.cover.save("first.png", ContentFile(png(40, 20)))
    stale = Article.objects.get(pk=article.pk)
    article.cover.save("second.png", ContentFile(png(40, 20)))
    store_cover_renditions(stale)
    assert Article.objects.get(pk=article.pk).cover_renditions is None


def test_command_makes_missing_renditions_once(author, media):
    article = make_article(title="表紙の記事", authors=[author], published=True)
    name = default_storage.save("covers/2026/11/old.png", ContentFile(png(1200, 600)))
    Article.objects.filter(pk=article.pk).update(cover=name)  # a cover from before renditions were stored
    dry_run = io.StringIO()
    call_command("make_cover_renditions", "--dry-run", stdout=dry_run)
    assert "1 件" in dry_run.getvalue() and not Article.objects.get(pk=article.pk).cover_renditions

    call_command("make_cover_renditions", stdout=io.StringIO())
    stored = Article.objects.get(pk=article.pk).cover_renditions
    assert stored["source"] == name and [each[0] for each in stored["files"]] == [480, 960, 1200]
    again = io.StringIO()
    call_command("make_cover_renditions", stdout=again)
    assert "0 件" in again.getvalue()
