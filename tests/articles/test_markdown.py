import pytest

from articles.markdown import render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "本文<script src='https://evil.example/x.js'></script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">リンク</a>',
        "[リンク](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">リンク</a>',
        '<a href="&#106;avascript:alert(1)">リンク</a>',
        "![画像](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<svg onload="alert(1)"><circle r="1"/></svg>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_executable_markup_never_survives(source):
    html = render_markdown(source).lower()
    for vector in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "data:",
        "<svg",
        "<iframe",
        "style=",
    ):
        assert vector not in html


def test_markdown_structure_is_kept():
    html = render_markdown(
        "## 見出し\n\n**強調** と [リンク](https://example.com)\n\n| a | b |\n| - | - |\n| 1 | 2 |"
    )
    assert '<h2 id="見出し">見出し<a class="headerlink" href="#見出し" title="この見出しへのリンク"' in html
    assert "<strong>強調</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">リンク</a>' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_text_that_looks_like_markup_is_escaped_not_dropped():
    assert "1 &lt; 2" in render_markdown("1 < 2")


def test_long_articles_get_a_table_of_contents_from_their_sections():
    from articles.markdown import render

    body = "\n\n".join(f"## 第{n}節\n\n本文です。" for n in range(1, 4)) + "\n\n### 小見出し"
    assert [(s["id"], s["name"]) for s in render(body).toc] == [
        ("第1節", "第1節"),
        ("第2節", "第2節"),
        ("第3節", "第3節"),
    ]
    assert render("## 一つだけ\n\n本文。").toc == []
