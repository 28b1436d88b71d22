"""Search snippets come from the article's own text: as written, marked where search matched."""

import html
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.snippets import BEFORE, ELLIPSIS, LENGTH, fold, snippet
from articles.text import reader_text
from tests.factories import make_article


def marked(html_snippet: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r"<mark>(.*?)</mark>", html_snippet)]


def shown(html_snippet: str) -> str:
    """The text a reader sees, without the ellipses."""
    return html.unescape(re.sub(r"</?mark>", "", html_snippet)).strip(ELLIPSIS)


def test_mixed_case_latin_keeps_its_case():
    text = "Google は GPU の調達を増やし、gpu クラウドも広げる。"
    assert marked(snippet(text, "gpu")) == ["GPU", "gpu"]
    assert marked(snippet(text, "GOOGLE")) == ["Google"]


def test_full_width_latin_in_the_text_is_found_and_kept_full_width():
    text = "生成ＡＩの需要で ＧＰＵ が足りない。"
    assert marked(snippet(text, "gpu")) == ["ＧＰＵ"]
    assert marked(snippet(text, "生成ai")) == ["生成ＡＩ"]
    assert shown(snippet(text, "gpu")) == text


def test_a_full_width_query_finds_half_width_text():
    assert marked(snippet("NVIDIA の GPU を比べる。", "ＧＰＵ")) == ["GPU"]


def test_half_and_full_width_katakana_find_each_other():
    assert marked(snippet("ｶﾀｶﾅ で書いた語とカタカナの語。", "カタカナ")) == ["ｶﾀｶﾅ", "カタカナ"]
    assert marked(snippet("カタカナの語。", "ｶﾀｶﾅ")) == ["カタカナ"]


def test_half_width_voiced_katakana_is_marked_whole_though_it_folds_shorter():
    # ｶﾞ is two characters folding into one (ガ): what follows must still be marked in place.
    text = "ｶﾞｿﾘﾝ価格とガソリン税、そして軽油。"
    assert marked(snippet(text, "ガソリン")) == ["ｶﾞｿﾘﾝ", "ガソリン"]
    assert marked(snippet(text, "軽油")) == ["軽油"]
    assert marked(snippet(text, "ｿﾘﾝ")) == ["ｿﾘﾝ", "ソリン"]


def test_full_width_digits_match_ascii_digits():
    assert marked(snippet("売上高は２０２５年に過去最高でした。", "2025年")) == ["２０２５年"]


def test_characters_that_fold_longer_before_the_match_do_not_shift_the_mark():
    # "…" folds into "..." and ㈱ into "(株)": the whole text is longer folded than written.
    text = "前置き…" * 40 + "㈱ALLFORCES の GPU 投資。"
    assert marked(snippet(text, "gpu")) == ["GPU"]
    assert marked(snippet(text, "(株)")) == ["㈱"]


def test_the_title_is_not_repeated_and_only_the_body_is_shown(db):
    article = make_article(
        title="GPU 特集の題", body="本文では Google の GPU を取り上げます。", published=True
    )
    html_snippet = snippet(article.body_text, "gpu")
    assert "特集の題" not in html_snippet
    assert shown(html_snippet) == "本文では Google の GPU を取り上げます。"


def test_a_match_only_in_the_title_shows_the_beginning_of_the_body(db):
    article = make_article(title="GPU 特集", body="本文の書き出しです。" * 30, published=True)
    html_snippet = snippet(article.body_text, "gpu")
    assert marked(html_snippet) == []
    assert html_snippet.startswith("本文の書き出しです。")


def test_markdown_syntax_around_the_match_is_gone(db):
    body = (
        "## ＧＰＵの見出し\n\n"
        "本文に **Google** の *GPU* と [GPU の記事](https://example.com/gpu) と ![GPU の図](https://example.com/a.png)。\n\n"
        "| 企業 | GPU |\n| --- | --- |\n| A社 | 100 |\n\n"
        "```python\nprint('GPU')\n```\n\n"
        "<div>生の <b>HTML</b> の GPU</div>\n\n"
        "脚注つきの GPU[^1]\n\n[^1]: 注の本文\n"
    )
    article = make_article(title="題", body=body, published=True)
    html_snippet = snippet(article.body_text, "gpu")
    text = shown(html_snippet)
    for syntax in ("#", "**", "*", "](", "![", "|", "```", "<b>", "&lt;b&gt;", "https://", "↩"):
        assert syntax not in text, syntax
    assert text.startswith("ＧＰＵの見出し 本文に Google の GPU と GPU の記事 と 。 企業 GPU A社 100")
    assert marked(html_snippet)[:3] == ["ＧＰＵ", "GPU", "GPU"]


def test_the_text_around_the_match_is_escaped():
    html_snippet = snippet("コード <img src=x onerror=alert(1)> の GPU。", "gpu")
    assert "<img" not in html_snippet
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_snippet
    assert "<mark>GPU</mark>" in html_snippet


def test_a_long_text_is_cut_after_a_sentence_with_ellipses():
    text = "前の話が続きます。" * 30 + "ここで GPU の話になります。" + "後の話が続きます。" * 30
    html_snippet = snippet(text, "gpu")
    assert html_snippet.startswith(ELLIPSIS + "前の話が続きます。") and html_snippet.endswith("。" + ELLIPSIS)
    assert len(shown(html_snippet)) <= LENGTH
    assert marked(html_snippet) == ["GPU"]


def test_a_cut_without_a_sentence_near_does_not_fall_inside_a_latin_word():
    # The old snippets began "…ogle": a cut BEFORE characters ahead of the match, mid-word.
    text = "x" * 200 + " " + "Google" * 1 + "z" * (BEFORE - 8) + "GPU" + "y" * 300
    html_snippet = snippet(text, "gpu")
    assert shown(html_snippet).startswith("Google")


def test_no_cut_splits_a_character_from_its_marks_or_a_flag():
    text = "e\u0301" * 100 + "🇯🇵" * 30 + " GPU " + "👍🏽" * 100 + "カ\u3099" * 100
    for query in ("gpu", "é", "ガ"):
        visible = shown(snippet(text, query))
        start = text.index(visible)
        end = start + len(visible)
        for cut in (start, end):
            assert cut in (0, len(text)) or not unicodedata.combining(text[cut]), (query, cut)
            assert text[cut : cut + 1] not in ("\U0001f3fd",), (query, cut)
        flags_before = len(re.match("[\U0001f1e6-\U0001f1ff]*", text[text.index("🇯") : start]).group())
        assert start <= text.index("🇯") or flags_before % 2 == 0


def test_no_terms_show_the_beginning():
    assert snippet("本文です。", "   ") == "本文です。"
    assert snippet("", "gpu") == ""


TRICKY = "aAｱｶﾞﾟカガ漢。、 ＡＧＰＵgpu…㈱①ﬁé\u0301\u3099１2"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=TRICKY, max_size=400), data=st.data())
def test_every_mark_folds_to_a_term_and_the_text_shown_is_the_text_as_written(text, data):
    text = " ".join(text.split())  # body_text has its blanks squeezed
    start = data.draw(st.integers(0, max(len(text) - 1, 0)))
    term = "".join(fold(text[start : start + data.draw(st.integers(1, 4))]).split())
    html_snippet = snippet(text, term)
    assert shown(html_snippet) in text
    for mark in marked(html_snippet):
        assert term in fold(mark)
    if term and term in fold(text) and html_snippet:
        assert marked(html_snippet), (text, term)


def test_body_text_is_the_body_as_readers_read_it():
    rendered = (
        '<h2 id="a">見出し<a class="headerlink" href="#a" title="この見出しへのリンク">#</a></h2>\n'
        '<p>本文<sup id="fnref:1"><a href="#fn:1">1</a></sup> &amp; <code>&lt;b&gt;</code></p>'
        "<table><tr><th>企業</th><th>売上</th></tr></table>"
    )
    assert reader_text(rendered) == "見出し 本文 & <b> 企業 売上"
