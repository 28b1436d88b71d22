import os
from pathlib import Path

import pytest
from PIL import Image

from editorial.jekyll.conversion import convert_body, file_reader, site_urls
from editorial.jekyll.liquid import LiquidContext

CONFIG = {"url": "https://blog.example.com", "baseurl": "/blog", "title": "技術ブログ"}


@pytest.fixture
def site(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    root = tmp_path / "site"
    (root / "assets").mkdir(parents=True)
    (root / "_posts").mkdir()
    (root / "_includes").mkdir()
    Image.new("RGB", (4, 4), "red").save(root / "assets" / "chart.png")
    (root / "_includes" / "figure.html").write_text(
        "![{{ include.alt }}]({{ include.src | relative_url }}){: .wide}\n"
    )
    return root


def test_liquid_then_kramdown_then_images(site):
    post = site / "_posts" / "2010-07-21-hello.md"
    context = LiquidContext(
        variables={"site": CONFIG, "page": {"title": "はじめて"}},
        read_include=file_reader(site / "_includes", within=site / "_includes"),
        post_url=lambda name: None,
        link=lambda name: None,
    )
    text = (
        '{% include figure.html src="/assets/chart.png" alt="グラフ" %}\n'
        '![直接]({{ site.url }}{{ site.baseurl }}/assets/chart.png){: width="50%"}\n'
        "![なし]({{ site.baseurl }}/assets/none.png)\n"
        "{% youtube abc %}\n"
    )
    result = convert_body(text, context=context, site_root=site, post_path=post, site_urls=site_urls(CONFIG))
    assert result.copied == ["assets/chart.png"]
    assert result.missing == ["/blog/assets/none.png"]
    assert result.unknown_tags == ["youtube"]
    assert "{:" not in result.text and "{{" not in result.text
    assert result.text.count("](/media/imported/") == 2
    assert len(result.problems) == 2


def test_site_urls_from_the_config():
    assert site_urls(CONFIG) == ["https://blog.example.com/blog", "https://blog.example.com", "/blog"]
    assert site_urls({"url": "https://example.com/", "baseurl": ""}) == ["https://example.com"]
    assert site_urls({}) == []


def test_file_reader_reads_inside_its_folder(tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "a.html").write_text("中身\r\n", encoding="utf-8")
    assert file_reader(tmp_path / "inc", within=tmp_path / "inc")("a.html") == "中身\n"


def test_file_reader_refuses_what_leads_outside(tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "secret.txt").write_text("秘密")
    os.symlink(tmp_path / "secret.txt", tmp_path / "inc" / "link.html")
    read = file_reader(tmp_path / "inc", within=tmp_path / "inc")
    assert read("../secret.txt") is None
    assert read("link.html") is None
    assert read("none.html") is None


def test_file_reader_refuses_what_is_not_utf8(tmp_path):
    Path(tmp_path / "sjis.html").write_bytes("日本語".encode("shift_jis"))
    assert file_reader(tmp_path, within=tmp_path)("sjis.html") is None
