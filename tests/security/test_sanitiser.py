"""The one renderer (Markdown, then the nh3 allow-list) against script injection.

Every payload of the corpus, alone and inside Markdown structures, must come
out with no executable vector; so must hypothesis-built mixtures of payload
fragments, Markdown syntax and Japanese text; and so must rendering the
rendered HTML a second time.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.markdown import render_markdown, sanitise_html
from tests.security.html_checks import executable_vectors, url_scheme
from tests.security.xss_corpus import CORPUS

KINDS = [kind for kind, _ in CORPUS]
PAYLOADS = dict(CORPUS)

# Markdown structures a payload may be dropped into.
CONTEXTS = {
    "alone": "{}",
    "in a paragraph": "市場の見通しについて。{} 以上です。",
    "in a list": "- 一つ目\n- {}\n- 三つ目",
    "in a quote": "> 引用です。\n> {}",
    "in a table": "| 列1 | 列2 |\n| --- | --- |\n| {} | 値 |",
    "in a heading": "## {}",
    "in emphasis": "**{}**",
    "after a link": "[安全なリンク](https://example.com) {}",
}


@pytest.mark.parametrize("kind", KINDS)
def test_payload_renders_without_executable_vector(kind):
    html = render_markdown(PAYLOADS[kind])
    assert executable_vectors(html) == [], html


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("kind", KINDS)
def test_payload_inside_markdown_renders_without_executable_vector(kind, context):
    html = render_markdown(CONTEXTS[context].format(PAYLOADS[kind]))
    assert executable_vectors(html) == [], html


@pytest.mark.parametrize("kind", KINDS)
def test_rendering_the_rendered_html_again_stays_safe(kind):
    once = render_markdown(PAYLOADS[kind])
    twice = render_markdown(once)
    assert executable_vectors(twice) == [], twice
    # Parsing and serialising the sanitiser's own output changes nothing:
    # no markup that means one thing now and another after a re-parse.
    assert sanitise_html(once) == once


# The allow-list must not be so tight that ordinary articles lose their links.
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[記事](https://example.com/a)", 'href="https://example.com/a"'),
        ("[記事](http://example.com/a)", 'href="http://example.com/a"'),
        ("[連絡](mailto:desk@example.jp)", 'href="mailto:desk@example.jp"'),
        ("[前の記事](/articles/previous/)", 'href="/articles/previous/"'),
        ("[脚注へ](#section)", 'href="#section"'),
        ("<https://example.com/auto>", 'href="https://example.com/auto"'),
        ("![図](https://example.com/chart.png)", 'src="https://example.com/chart.png"'),
        ("[記事](HTTPS://EXAMPLE.COM/A)", 'href="HTTPS://EXAMPLE.COM/A"'),
    ],
)
def test_safe_links_and_images_survive(source, expected):
    html = render_markdown(source)
    assert expected in html
    assert executable_vectors(html) == []


# The checker must be able to fail, or every test above passes vacuously.
@pytest.mark.parametrize(
    "html",
    [
        "<script>x</script>",
        '<img src="x" onerror="x">',
        '<a href="&#106;avascript:x">x</a>',
        '<a href="java&#9;script:x">x</a>',
        '<a href="java  script:x">x</a>',
        '<a href="\x01JAVASCRIPT:x">x</a>',
        '<img src="data:image/png;base64,AAAA">',
        '<p style="color:red">x</p>',
        "<svg></svg>",
        "<math></math>",
        '<meta http-equiv="refresh" content="0">',
        "<!-- x -->",
        "<![CDATA[x]]>",
        '<a href="https://example.com" class="evil">x</a>',
        '<a href="https://example.com" target="_blank">x</a>',
        "<u>x</u>",
        "&lt;p&gt;<script",
    ],
)
def test_checker_reports_executable_html(html):
    assert executable_vectors(html) != []


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:x", "javascript"),
        (" \tJaVa\nScRipt:x", "javascript"),
        ("java\u200bscript:x", "javascript"),
        ("https://example.com", "https"),
        ("/relative/path:with-colon", None),
        ("#fragment", None),
        ("?q=a:b", None),
        ("記事:1", None),
    ],
)
def test_checker_reads_url_schemes_as_a_browser_would(url, scheme):
    assert url_scheme(url) == scheme


# --- Hypothesis: mixtures of payload fragments, Markdown and Japanese ---------

JAPANESE = st.text(
    alphabet=st.sampled_from("投資と技術の分析記事ですが、市場は「推論」に注目。ＡＩ半導体ｽﾏﾎ一二三"),
    max_size=30,
)
MARKDOWN_SYNTAX = st.sampled_from(
    [
        "\n\n", "\n", "## ", "### ", "- ", "1. ", "> ", "**", "*", "_", "`", "```\n", "\n```",
        "[", "]", "(", ")", "![", "<", ">", '"', "'", "=", "&", "&#", ";", ":", "|", "| --- |",
        "[^1]", "\n[^1]: ", "[r]", "\n[r]: ", "{: ", " }", "\t", "    ", "\\", "---\n", "<!--", "-->",
        "<![CDATA[", "]]>", "javascript:", "data:", "vbscript:", "&#106;", "&colon;", "on", "error",
        "href=", "src=", "style=", "<a ", "<img ", "<svg", "<math", "</", "https://example.com",
    ]
)  # fmt: skip
PAYLOAD_FRAGMENT = st.sampled_from([source for _, source in CORPUS]).flatmap(
    lambda source: st.tuples(st.integers(0, len(source)), st.integers(0, len(source))).map(
        lambda bounds: source[min(bounds) : max(bounds)]
    )
)
WHOLE_PAYLOAD = st.sampled_from([source for _, source in CORPUS])
PIECE = st.one_of(JAPANESE, MARKDOWN_SYNTAX, PAYLOAD_FRAGMENT, WHOLE_PAYLOAD, st.text(max_size=10))
GENERATED_MARKDOWN = st.lists(PIECE, max_size=25).map("".join)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GENERATED_MARKDOWN)
def test_generated_markdown_renders_without_executable_vector(source):
    html = render_markdown(source)
    assert executable_vectors(html) == [], html
    again = render_markdown(html)
    assert executable_vectors(again) == [], again
