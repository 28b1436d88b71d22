import io

import pytest
from PIL import Image as PillowImage
from PIL.PngImagePlugin import PngInfo

from articles.images import store_cover_renditions
from articles.markdown import render
from articles.models import Article
from editorial.exceptions import NotPermitted
from editorial.models import PendingVersion
from editorial.uploads import checked_upload
from media_library import library
from media_library.models import Image
from tests.factories import make_article
from tests.media_library.conftest import make_image, uploaded

pytestmark = pytest.mark.django_db


# Adding ------------------------------------------------------------------------------


def test_an_image_is_stored_cleaned_under_a_generated_name_with_its_facts(writer, media):
    metadata = PngInfo()
    metadata.add_text("Comment", "<script>alert(1)</script>")
    buffer = io.BytesIO()
    PillowImage.new("RGB", (2400, 1200), "navy").save(buffer, format="PNG", pnginfo=metadata)
    cleaned = checked_upload(uploaded(buffer.getvalue(), name="社外秘 photo.html"))
    image = library.add_image(
        Image(alt="夜のデータセンター", credit="写真：筆者"), cleaned=cleaned, by=writer
    )

    stored = media / image.file.name
    assert image.file.name.startswith("library/") and stored.suffix == ".png" and "photo" not in stored.name
    assert b"<script" not in stored.read_bytes()
    # Scaled to the width the body's uploads are (MARKDOWNX_IMAGE_MAX_SIZE), as markdownx's were.
    assert (image.width, image.height, image.format) == (1600, 800, "PNG")
    assert image.size_bytes == stored.stat().st_size
    assert image.uploaded_by == writer and image.uploaded_at is not None


def test_exif_is_applied_and_dropped_from_a_jpeg(media):
    exif = PillowImage.Exif()
    exif[0x0112] = 6  # rotated: the stored pixels are turned upright
    exif[0x8825] = {2: (35.0, 40.0, 0.0)}  # a GPS position
    image = make_image(width=80, height=40, format="JPEG", exif=exif.tobytes())
    with PillowImage.open(media / image.file.name) as stored:
        assert stored.size == (40, 80) and not stored.getexif()
    assert (image.width, image.height) == (40, 80)


def test_a_row_that_cannot_be_saved_leaves_no_file_behind(media):
    cleaned = checked_upload(uploaded())
    with pytest.raises(Exception):  # noqa: B017 - the database's own error, whichever it is
        library.add_image(Image(alt="x" * 500, credit="c"), cleaned=cleaned, by=None)
    assert not [path for path in media.rglob("*") if path.is_file()]


# Where used --------------------------------------------------------------------------


def test_where_used_finds_bodies_and_covers(author):
    image = make_image()
    other = make_image(alt="別の画像")
    in_body = make_article(
        title="本文で使う記事", body=f"前文\n\n{library.markdown_for(image)}\n\n後文", authors=[author]
    )
    as_cover = make_article(title="表紙で使う記事", cover=image.file.name, authors=[author])
    make_article(title="使わない記事", body=library.markdown_for(other), authors=[author])

    uses = library.uses_of(image)

    assert [(use.article, use.places) for use in uses] == [(in_body, ["本文"]), (as_cover, ["表紙"])]


def test_where_used_counts_the_pending_version_of_a_live_article(author):
    image = make_image()
    live = make_article(title="公開中の記事", authors=[author], published=True)
    PendingVersion.objects.create(
        article=live,
        based_on_version=live.version,
        title=live.title,
        slug=live.slug,
        body=library.markdown_for(image),
        cover=image.file.name,
    )
    assert [use.places for use in library.uses_of(image)] == [["未公開の変更の本文", "未公開の変更の表紙"]]


def test_a_stale_pending_version_does_not_count(author):
    image = make_image()
    live = make_article(title="公開中の記事", authors=[author], published=True)
    PendingVersion.objects.create(
        article=live,
        based_on_version=live.version - 1,
        title="古い",
        slug=live.slug,
        body=library.markdown_for(image),
    )
    assert library.uses_of(image) == []


def test_where_used_follows_an_edit_that_removes_the_image(author):
    image = make_image()
    article = make_article(body=library.markdown_for(image), authors=[author])
    assert library.uses_of(image)
    article.body = "画像を外しました。"
    article.save()
    assert library.uses_of(image) == []


# Deleting ----------------------------------------------------------------------------


def test_delete_is_refused_while_an_article_uses_it_and_names_the_article(editor, author):
    image = make_image()
    make_article(title="推論モデルの台頭", body=library.markdown_for(image), authors=[author])
    with pytest.raises(library.ImageInUse) as refused:
        library.delete_image(image, by=editor)
    assert str(refused.value) == (
        "この画像は 1 件の記事で使われているため削除できません: 「推論モデルの台頭」（本文）。"
        "本文や表紙から外してから削除してください。"
    )
    assert Image.objects.filter(pk=image.pk).exists()


def test_a_writer_cannot_delete_an_image(writer):
    image = make_image(by=writer)
    with pytest.raises(NotPermitted, match="編集者だけ"):
        library.delete_image(image, by=writer)
    assert Image.objects.filter(pk=image.pk).exists()


def test_delete_removes_the_file_and_its_cover_renditions_after_commit(
    editor, author, media, django_capture_on_commit_callbacks
):
    image = make_image(width=1200, height=600)
    article = make_article(cover=image.file.name, authors=[author])
    store_cover_renditions(article)
    renditions = [media / name for _, _, name in Article.objects.get(pk=article.pk).cover_renditions["files"]]
    assert all(path.exists() for path in renditions)
    Article.objects.filter(pk=article.pk).update(cover="")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        library.delete_image(image, by=editor)
    assert (media / image.file.name).exists()  # nothing leaves storage before the commit
    for callback in callbacks:
        callback()

    assert not Image.objects.filter(pk=image.pk).exists()
    assert not (media / image.file.name).exists()
    assert not any(path.exists() for path in renditions)


# Covers ------------------------------------------------------------------------------


def test_a_library_cover_gets_the_reader_site_s_renditions(author):
    image = make_image(width=1600, height=900)
    article = make_article(cover=image.file.name, authors=[author])
    store_cover_renditions(article)
    article.refresh_from_db()
    assert [width for width, _, _ in article.cover_renditions["files"]] == [480, 960, 1600]
    assert article.cover_renditions["source"] == image.file.name


def test_a_gif_cannot_be_a_cover():
    assert library.cover_problem(make_image(format="GIF")) == (
        "表紙にできるのは JPEG・PNG・WebP の画像だけです（この画像は GIF）。"
    )
    assert library.cover_problem(make_image(format="WEBP")) is None


def test_a_cover_past_the_cover_limit_is_refused():
    image = make_image()
    image.size_bytes = 6 * 1024 * 1024
    assert "大きすぎます（上限 5 MB）" in library.cover_problem(image)


# Markdown ----------------------------------------------------------------------------


def test_the_markdown_renders_as_an_image_with_its_alt_text_and_visible_caption_and_credit():
    image = make_image(alt="2026年のGPU出荷台数の推移", caption="推論向けが伸びた", credit="出典：IDC")
    html = render(f"前の段落。\n\n{library.markdown_for(image)}\n\n次の段落。").html
    assert (
        f'<p><img src="/media/{image.file.name}" alt="2026年のGPU出荷台数の推移"><br>\n'
        "<em>推論向けが伸びた（出典：IDC）</em></p>"
    ) in html


def test_a_credit_alone_is_shown_under_the_image():
    image = make_image(alt="工場", credit="写真：ロイター")
    assert "<br>\n<em>写真：ロイター</em></p>" in render(library.markdown_for(image)).html


@pytest.mark.parametrize(
    "typed",
    [
        "a](javascript:alert(1)) [b",
        "<img src=x onerror=alert(1)>",
        "*強調* _下線_ `code` $x$ ~~消~~ | 表 |",
        "[リンク](https://example.com)",
        "&lt;実体&gt; \\ バックスラッシュ",
    ],
)
def test_what_the_editor_typed_reads_as_typed_and_opens_no_markup(typed):
    image = make_image(alt=typed, caption=typed, credit="出典：テスト")
    html = render(library.markdown_for(image)).html
    expected_alt = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'alt="{expected_alt}"' in html
    assert f"<em>{expected_alt}（出典：テスト）</em>" in html
    assert "<a " not in html and "<code>" not in html and "<del>" not in html and html.count("<img") == 1


def test_a_body_that_reuses_an_image_stays_one_file(author, media):
    image = make_image()
    for title in ("一つ目の記事", "二つ目の記事"):
        make_article(title=title, body=library.markdown_for(image), authors=[author])
    assert len([path for path in media.rglob("*") if path.is_file()]) == 1
    assert [use.article.title for use in library.uses_of(image)] == ["一つ目の記事", "二つ目の記事"]
