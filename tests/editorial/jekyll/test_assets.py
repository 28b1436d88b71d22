import os
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from editorial.jekyll.assets import ImageRejected, bring_images, store_in_media
from editorial.jekyll.leftovers import MARKER

SITE_URLS = ["https://blog.example.com/blog", "/blog"]


def picture(path: Path, colour="red", *, kind="PNG", size=(4, 4)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, kind)
    return path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_URL = "/media/"
    return tmp_path / "media"


@pytest.fixture
def site(tmp_path, media):
    root = tmp_path / "site"
    picture(root / "assets" / "logo.png")
    (root / "_posts").mkdir(parents=True)
    return root


def bring(text, site, *, post="_posts/2010-07-21-hello.md", store=None):
    return bring_images(text, site_root=site, post_path=site / post, site_urls=SITE_URLS, store=store)


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def markers(text):
    return [match.group(2) for match in MARKER.finditer(text)]


def test_root_relative_image_is_copied_and_its_reference_rewritten(site, media):
    result = bring("![ロゴ](/assets/logo.png)", site)
    [copy] = stored_files(media)
    assert result.text == f"![ロゴ](/media/{copy.relative_to(media).as_posix()})"
    assert result.copied == ["assets/logo.png"]
    assert result.missing == []
    assert copy.read_bytes() == (site / "assets" / "logo.png").read_bytes()


def test_alt_text_and_title_are_kept(site):
    result = bring('![ロゴ の 画像](/assets/logo.png "会社のロゴ")', site)
    assert result.text.startswith("![ロゴ の 画像](/media/imported/")
    assert result.text.endswith('.png "会社のロゴ")')


def test_relative_image_is_found_beside_the_post(site):
    picture(site / "_posts" / "img" / "chart.png", "blue")
    assert bring("![図](img/chart.png)", site).copied == ["_posts/img/chart.png"]


def test_relative_image_is_found_from_the_site_root(site):
    assert bring("![図](assets/logo.png)", site).copied == ["assets/logo.png"]


def test_parent_relative_image_is_found(site):
    assert bring("![図](../assets/logo.png)", site).copied == ["assets/logo.png"]


def test_image_under_the_site_url_is_copied(site):
    result = bring("![図](https://blog.example.com/blog/assets/logo.png)", site)
    assert result.copied == ["assets/logo.png"]
    assert "blog.example.com" not in result.text


def test_image_under_the_site_url_by_plain_http_is_copied(site):
    assert bring("![図](http://BLOG.example.com/blog/assets/logo.png)", site).copied == ["assets/logo.png"]


def test_image_under_the_baseurl_is_found(site):
    assert bring("![図](/blog/assets/logo.png)", site).copied == ["assets/logo.png"]


def test_external_image_is_left_alone(site):
    text = "![外部](https://cdn.example.net/a.png) ![同名](https://blog.example.com.evil.test/blog/assets/logo.png)"
    result = bring(text, site)
    assert result.text == text
    assert result.copied == result.missing == []


def test_data_url_is_left_alone(site):
    text = "![点](data:image/png;base64,iVBORw0KGgo=)"
    assert bring(text, site).text == text


def test_html_img_src_is_copied(site):
    result = bring('<img src="/assets/logo.png" alt="ロゴ" width="40">', site)
    assert result.text.startswith('<img src="/media/imported/')
    assert result.text.endswith('.png" alt="ロゴ" width="40">')


def test_html_srcset_candidates_are_copied(site):
    picture(site / "assets" / "logo@2x.png", "green", size=(8, 8))
    result = bring('<img src="/assets/logo.png" srcset="/assets/logo.png 1x, /assets/logo@2x.png 2x">', site)
    assert result.copied == ["assets/logo.png", "assets/logo@2x.png"]
    assert "/assets/" not in result.text
    assert " 1x, /media/imported/" in result.text and result.text.endswith(' 2x">')


def test_reference_style_image_definition_is_rewritten(site):
    result = bring('![ロゴ][logo]\n\n[logo]: /assets/logo.png "題"\n', site)
    assert result.text.startswith("![ロゴ][logo]\n\n[logo]: /media/imported/")
    assert result.text.endswith('.png "題"\n')


def test_link_to_a_full_size_image_is_copied_too(site):
    picture(site / "assets" / "photo.jpg", "white", kind="JPEG", size=(16, 16))
    result = bring("[![小](/assets/logo.png)](/assets/photo.jpg) [記事](/about/)", site)
    assert result.copied == ["assets/logo.png", "assets/photo.jpg"]
    assert result.text.endswith("[記事](/about/)")


def test_missing_image_is_listed_kept_and_marked(site):
    result = bring("![なし](/assets/gone.png) の後", site)
    assert result.missing == ["/assets/gone.png"]
    assert (
        result.text
        == "![なし](/assets/gone.png)<!-- 取り込み時に見つからなかった画像: /assets/gone.png --> の後"
    )
    assert "/assets/gone.png" in result.problems[0]


def test_truncated_png_is_missing_with_the_reason(site, media):
    big = picture(site / "assets" / "big.png", size=(200, 200))
    big.write_bytes(big.read_bytes()[: len(big.read_bytes()) // 2])
    result = bring("![壊れ](/assets/big.png)", site)
    assert result.missing == ["/assets/big.png"]
    assert "壊れている" in result.problems[0]
    assert stored_files(media) == []


def test_file_that_is_not_an_image_is_missing(site):
    (site / "assets" / "fake.png").write_text("これは画像ではありません")
    assert bring("![偽](/assets/fake.png)", site).missing == ["/assets/fake.png"]


def test_svg_is_refused(site):
    (site / "assets" / "icon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    )
    result = bring("![図](/assets/icon.svg)", site)
    assert result.missing == ["/assets/icon.svg"]
    assert "SVG" in result.problems[0]


def test_image_above_the_decompression_bomb_limit_is_refused(site, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)
    result = bring("![大](/assets/logo.png)", site)
    assert result.missing == ["/assets/logo.png"]
    assert "画素数" in result.problems[0]


def test_path_leaving_the_site_is_missing(site, tmp_path):
    secret = picture(tmp_path / "secret.png")
    result = bring("![外](../../secret.png) ![外](/../secret.png) ![外](../../../../../../etc/passwd)", site)
    assert result.copied == []
    assert result.missing == ["../../secret.png", "/../secret.png", "../../../../../../etc/passwd"]
    assert secret.exists()


def test_symlink_out_of_the_site_is_missing(site, tmp_path):
    outside = picture(tmp_path / "outside" / "private.png")
    os.symlink(outside, site / "assets" / "link.png")
    os.symlink(outside.parent, site / "assets" / "folder")
    result = bring("![a](/assets/link.png) ![b](/assets/folder/private.png)", site)
    assert result.copied == []
    assert result.missing == ["/assets/link.png", "/assets/folder/private.png"]


def test_query_and_fragment_are_ignored_for_the_lookup(site):
    result = bring("![図](/assets/logo.png?v=3#top)", site)
    assert result.copied == ["assets/logo.png"]
    assert "?v=3" not in result.text


def test_percent_encoded_japanese_file_name_is_found(site, media):
    picture(site / "assets" / "写真 1.png", "blue")
    result = bring("![写真](/assets/%E5%86%99%E7%9C%9F%201.png)", site)
    assert result.copied == ["assets/写真 1.png"]
    [copy] = [path for path in stored_files(media) if "写真" in path.name]
    assert copy.name.endswith("-写真-1.png")


def test_japanese_file_name_with_a_space_is_found_in_angle_brackets(site):
    picture(site / "assets" / "写真 1.png", "blue")
    assert bring("![写真](</assets/写真 1.png>)", site).copied == ["assets/写真 1.png"]


def test_same_picture_under_two_names_is_stored_once(site, media):
    (site / "assets" / "copy.png").write_bytes((site / "assets" / "logo.png").read_bytes())
    result = bring("![a](/assets/logo.png) ![b](/assets/copy.png) ![c](/assets/logo.png)", site)
    assert result.copied == ["assets/logo.png", "assets/copy.png"]
    assert len(stored_files(media)) == 1


def test_images_in_code_and_comments_are_not_touched(site):
    text = "```\n![a](/assets/logo.png)\n```\n\n`![b](/assets/logo.png)` <!-- ![c](/assets/logo.png) -->\n"
    result = bring(text, site)
    assert result.text == text
    assert result.copied == []


def test_store_is_called_once_per_file(site):
    calls = []

    def store(path):
        calls.append(path)
        return "https://media.example.com/x.png"

    result = bring("![a](/assets/logo.png) ![a](assets/logo.png)", site, store=store)
    assert calls == [(site / "assets" / "logo.png").resolve()]
    assert result.text == "![a](https://media.example.com/x.png) ![a](https://media.example.com/x.png)"


def test_store_in_media_names_the_file_by_its_content(site, media):
    url = store_in_media(site / "assets" / "logo.png")
    [copy] = stored_files(media)
    folder, name = copy.relative_to(media / "imported").parts
    assert name.startswith(folder) and name.endswith("-logo.png")
    assert len(name.split("-")[0]) == 16
    assert url == default_storage.url(f"imported/{folder}/{name}")


def test_store_in_media_uses_the_real_format_for_the_extension(site, media):
    picture(site / "assets" / "really-a-jpeg.png", kind="JPEG")
    assert store_in_media(site / "assets" / "really-a-jpeg.png").endswith("-really-a-jpeg.jpg")


def test_store_in_media_refuses_a_truncated_png(site):
    path = site / "assets" / "cut.png"
    Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(path)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(ImageRejected):
        store_in_media(path)


def test_store_in_media_refuses_a_file_larger_than_an_upload(site, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 10
    with pytest.raises(ImageRejected, match="大きすぎます"):
        store_in_media(site / "assets" / "logo.png")
