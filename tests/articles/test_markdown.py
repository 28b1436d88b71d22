import pytest

from articles import markdown
from articles.markdown import render, render_markdown
from tests.security.html_checks import executable_vectors


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
    html = render_markdown(source)
    assert executable_vectors(html) == [], html
    for vector in ("<script", "onerror=", "onclick=", "onload=", "<svg", "<iframe", "style="):
        assert vector not in html.lower()


@pytest.mark.parametrize(
    "source", ["[リンク](javascript:alert(1))", "![画像](data:text/html;base64,PHNjcmlwdD4=)"]
)
def test_a_link_to_a_refused_scheme_stays_text(source):
    html = render_markdown(source)
    assert "<a " not in html and "<img" not in html
    assert "](" in html


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


# --- Lists and code: GitHub's and kramdown's rules ------------------------------


def test_lists_nest_by_two_spaces():
    html = render_markdown("- 親\n  - 子\n    - 孫\n- 二つ目")
    assert "<li>親\n<ul>\n<li>子\n<ul>\n<li>孫</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>二つ目</li>" in html


def test_fenced_code_inside_a_list_item_stays_code():
    html = render_markdown("1. 手順\n   ```python\n   x = 1\n   ```\n2. 次の手順")
    assert html.count("<ol>") == 1
    assert "<li>手順<pre><code>x = 1\n</code></pre>\n</li>\n<li>次の手順</li>" in html


@pytest.mark.parametrize(
    "source",
    [
        "```\n# コメント\nx = 1\n```",
        "```python\n# コメント\n```",
        "- 項目\n\n  ```\n  # コメント\n  ```",
        "1. 手順\n   ```\n   # コメント\n   ```",
    ],
)
def test_a_comment_line_in_fenced_code_is_not_a_heading(source):
    html = render_markdown(source)
    assert "<h1" not in html
    assert "<code># コメント\n" in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**「注目」**の銘柄", "<strong>「注目」</strong>の銘柄"),
        ("これは**「注目」**です", "これは<strong>「注目」</strong>です"),
        ("*（注）*を参照", "<em>（注）</em>を参照"),
        ("**100%**の伸び", "<strong>100%</strong>の伸び"),
        ("~~「旧」~~新", "<s>「旧」</s>新"),
    ],
)
def test_emphasis_around_japanese_punctuation_needs_no_spaces(source, expected):
    assert expected in render_markdown(source)


@pytest.mark.parametrize(
    "source", ["a * b * c", "価格は1000円*（税込）です", "__強調__です", "snake_case_name"]
)
def test_lone_stars_and_underscores_stay_text(source):
    assert render_markdown(source) == f"<p>{source}</p>\n"


# --- What the site rendered before, kept ----------------------------------------


def test_tables_say_their_alignment_with_align():
    html = render_markdown("| 左 | 中 | 右 |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">左</th>\n<th align="center">中</th>\n<th align="right">右</th>' in html
    assert '<td align="left">1</td>\n<td align="center">2</td>\n<td align="right">3</td>' in html
    assert "style" not in html


def test_footnotes_link_to_the_note_and_back():
    html = render_markdown("本文[^1]と続き[^注]。\n\n[^1]: 一つ目の脚注。\n[^注]: 二つ目。")
    assert '<sup id="fnref:1"><a href="#fn:1" rel="noopener noreferrer">1</a></sup>' in html
    assert '<sup id="fnref:注"><a href="#fn:注" rel="noopener noreferrer">2</a></sup>' in html
    assert '<li id="fn:1"><p>一つ目の脚注。&nbsp;<a href="#fnref:1" title="本文の脚注1へ戻る"' in html
    assert '<li id="fn:注"><p>二つ目。&nbsp;<a href="#fnref:注"' in html


def test_a_footnote_cited_twice_links_back_to_both_places():
    html = render_markdown("一[^a]、二[^a]。\n\n[^a]: 脚注。")
    assert '<sup id="fnref:a">' in html and '<sup id="fnref2:a">' in html
    assert 'href="#fnref:a"' in html and 'href="#fnref2:a"' in html


# Expected ids as Python-Markdown 3.11 (toc, slugify_unicode) gave them, so
# that links to a section made before the change still land.
@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("見出し A & B", "見出し-a-b"),
        ("Hello, World!", "hello-world"),
        ("`code` と *強調*", "code-と-強調"),
        ("[リンク](https://example.com) の話", "リンク-の話"),
        ("ＡＩ半導体　２０２６", "ａｉ半導体-２０２６"),
        ("価格は$100 – 2割高", "価格は100-2割高"),
        ("Ünïcode Café", "ünïcode-café"),
        ("!!!", "_1"),
    ],
)
def test_heading_anchors_are_the_ones_links_already_use(heading, anchor):
    html = render_markdown(f"## {heading}")
    assert f'<h2 id="{anchor}">' in html
    assert (
        f'<a class="headerlink" href="#{anchor}" title="この見出しへのリンク" rel="noopener noreferrer">#</a></h2>'
        in html
    )


def test_repeated_headings_are_numbered_as_before():
    toc = render("## 節\n\n## 節\n\n## a_1\n\n## a_1\n\n## 節\n\n## !!!\n\n## !!!").toc
    assert [section["id"] for section in toc] == ["節", "節_1", "a_1", "a_2", "節_2", "_1", "_2"]


def test_thousands_of_equal_headings_get_distinct_anchors():
    toc = render("## 見出し\n\n" * 3000).toc
    assert len({section["id"] for section in toc}) == 3000
    assert toc[-1]["id"] == "見出し_2999"


def test_long_articles_get_a_table_of_contents_from_their_sections():
    body = "\n\n".join(f"## 第{n}節\n\n本文です。" for n in range(1, 4)) + "\n\n### 小見出し"
    assert [(s["id"], s["name"]) for s in render(body).toc] == [
        ("第1節", "第1節"),
        ("第2節", "第2節"),
        ("第3節", "第3節"),
    ]
    assert render("## 一つだけ\n\n本文。").toc == []


def test_table_of_contents_nests_deeper_headings_under_their_section():
    toc = render("# 題\n\n## 一\n\n### 一の一\n\n#### 細目\n\n### 一の二\n\n## 二\n\n## A & B").toc
    assert toc == [
        {
            "id": "一",
            "name": "一",
            "level": 2,
            "children": [
                {
                    "id": "一の一",
                    "name": "一の一",
                    "level": 3,
                    "children": [{"id": "細目", "name": "細目", "level": 4, "children": []}],
                },
                {"id": "一の二", "name": "一の二", "level": 3, "children": []},
            ],
        },
        {"id": "二", "name": "二", "level": 2, "children": []},
        # Plain text: the template escapes it once.
        {"id": "a-b", "name": "A & B", "level": 2, "children": []},
    ]


def test_strikethrough_definition_lists_and_abbreviations():
    html = render_markdown("~~旧~~新\n\n用語\n:   定義\n\n*[HBM]: High Bandwidth Memory\n\nHBM の需要")
    assert "<s>旧</s>新" in html
    assert "<dl>\n<dt>用語</dt>\n<dd>定義</dd>\n</dl>" in html
    assert '<abbr title="High Bandwidth Memory">HBM</abbr> の需要' in html
    assert "*[HBM]" not in html


def test_abbreviations_are_not_marked_inside_code_or_words():
    html = render_markdown("*[AI]: 人工知能\n\n`AI` と AIR と AI")
    assert "<code>AI</code> と AIR と <abbr" in html


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("式 $a*b*c$ です", "<span>$a*b*c$</span>"),
        ("式 $x_1 + y_1$ です", "<span>$x_1 + y_1$</span>"),
        ("$$\n\\sum_{t=1}^{n} a*b*c\n$$", "<div>$$\n\\sum_{t=1}^{n} a*b*c\n$$</div>"),
        ("文中の $$x^2 * y^2$$ も", "<span>$$x^2 * y^2$$</span>"),
        ("$a < b$", "<span>$a &lt; b$</span>"),
    ],
)
def test_math_comes_through_as_written(source, kept):
    html = render_markdown(source)
    assert kept in html
    assert "<em>" not in html


def test_prices_are_not_math():
    assert render_markdown("$100から$200へ") == "<p>$100から$200へ</p>\n"


# --- Hostile bodies: deep nesting and the longest allowed bodies -----------------


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ("> " * 1500 + "深い", "<blockquote>"),
        ("- " * 1500 + "深い", "<ul>"),
        ("1. " * 1500 + "深い", "<ol>"),
        ("> - " * 1500 + "深い", "<blockquote>"),
        ("".join(">" * depth + " 引用\n" for depth in range(1, 600)) + "深い", "<blockquote>"),
        ("".join("  " * depth + "- 項目\n" for depth in range(1500)) + "  " * 1500 + "深い", "<ul>"),
    ],
)
def test_deep_nesting_renders_and_what_follows_is_kept(source, tag):
    html = render_markdown(source + "\n\n後の段落")
    assert tag in html and "深い" in html
    assert html.endswith("<p>後の段落</p>\n")


def test_what_is_nested_past_the_limit_is_shown_as_text():
    html = render_markdown("> " * 1500 + "深い")
    assert html.count("<blockquote>") == html.count("</blockquote>") == markdown.MAX_NESTING
    assert "<p>" + "&gt; " * (1500 - markdown.MAX_NESTING - 1) + "&gt; 深い</p>" in html


def test_deeply_nested_brackets_are_text_and_ordinary_nesting_still_links():
    html = render_markdown("[a [b [c [d]]]](https://example.com) と " + "[" * 50 + "x" + "]" * 50 + "(y)")
    assert '<a href="https://example.com" rel="noopener noreferrer">a [b [c [d]]]</a>' in html
    assert "[" * 50 + "x" + "]" * 50 + "(y)" in html


MAX = 100_000  # ARTICLE_BODY_MAX_CHARS


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[" * MAX, lambda html: html.count("[") == MAX),
        ("\\" * MAX, lambda html: html.count("\\") == MAX // 2),
        ("<http://a" * (MAX // 9), lambda html: html.count("&lt;http://a") == MAX // 9),
        ("*a " * (MAX // 3), lambda html: html.count("*a") == MAX // 3),
        ("_" * MAX, lambda html: html == "<hr>\n"),
        ("a_" * (MAX // 2), lambda html: html.count("_") == MAX // 2),
        ("a`" * (MAX // 2), lambda html: html.count("<code>a</code>") == MAX // 4),
        ("![[a](b" * (MAX // 7), lambda html: "<img" not in html and html.count("![[a](b") == MAX // 7),
        ("[x] " * (MAX // 4) + "\n\n[x]: https://example.com", lambda html: html.count("<a ") == MAX // 4),
        ("本文[^1]" * (MAX // 8) + "\n\n[^1]: 注", lambda html: html.count('href="#fn:1"') == MAX // 8),
        ("*[a]: " + " \t" * (MAX // 2 - 10) + "題\u00a0\n\na", lambda html: '<abbr title="題' in html),
        (
            "| a | b |\n|:--|--:|\n" + "| 1 | 2 |\n" * (MAX // 10),
            lambda html: html.count('<td align="right">2</td>') == MAX // 10,
        ),
    ],
    ids=["brackets", "backslashes", "autolinks", "emphasis", "rule", "underscores", "backticks", "images",
         "references", "footnotes", "abbreviation", "table"],
)  # fmt: skip
def test_the_longest_hostile_bodies_render_whole(source, expected):
    assert expected(render_markdown(source))


# --- Stored renderings follow the renderer ---------------------------------------


@pytest.mark.parametrize(
    ("target", "name", "value"),
    [
        (markdown, "RENDERING_REVISION", markdown.RENDERING_REVISION + 1),
        (markdown, "MARKDOWN_OPTIONS", {**markdown.MARKDOWN_OPTIONS, "maxNesting": 20}),
        (markdown, "MARKDOWN_PLUGINS", {**markdown.MARKDOWN_PLUGINS, "deflist": {"x": 1}}),
        (markdown.markdown_it, "__version__", "0.0.0"),
        (markdown.mdit_py_plugins, "__version__", "0.0.0"),
    ],
)
def test_the_fingerprint_changes_with_the_renderer(monkeypatch, target, name, value):
    before = markdown.renderer_fingerprint()
    monkeypatch.setattr(target, name, value)
    markdown.renderer_fingerprint.cache_clear()
    try:
        assert markdown.renderer_fingerprint() != before
    finally:
        monkeypatch.undo()
        markdown.renderer_fingerprint.cache_clear()
