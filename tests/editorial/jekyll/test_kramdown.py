import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from articles.markdown import render_markdown, sanitise_html
from editorial.jekyll.kramdown import convert
from editorial.jekyll.leftovers import MARKER


def commonmark(text):
    return sanitise_html(MarkdownIt("commonmark").render(text))


RENDERERS = [render_markdown, commonmark]


# attribute lists


def test_block_attribute_list_line_is_removed():
    assert convert("段落\n\n{: .note}\n\n次").text == "段落\n\n\n次"


def test_compact_attribute_list_is_removed():
    assert convert("## 見出し\n{:.no_toc}\n").text == "## 見出し\n"


def test_several_attribute_list_lines_in_a_row_are_removed():
    assert convert("表\n{: .wide}\n{: #t1}\n").text == "表\n"


def test_attribute_list_over_two_lines_is_removed():
    assert convert('画像\n{: .center\n   width="50%"}\n').text == "画像\n"


def test_attribute_list_definition_is_removed():
    assert convert('{:note: .box style="color: red"}\n\n本文').text == "\n本文"


def test_removed_attribute_list_still_separates_the_blocks_around_it():
    result = convert("一つ目の段落\n{: .lead}\n二つ目の段落")
    assert result.text == "一つ目の段落\n\n二つ目の段落"
    assert render_markdown(result.text).count("<p>") == 2


def test_span_attribute_list_after_emphasis_is_removed():
    assert convert("*強調*{: .red} です").text == "*強調* です"


def test_span_attribute_list_after_an_image_is_removed():
    assert convert('![写真](/a.png){: width="50%" .shadow}').text == "![写真](/a.png)"


def test_span_attribute_list_after_a_link_is_removed():
    assert convert('[外部](https://example.com){:target="_blank"}').text == "[外部](https://example.com)"


def test_span_attribute_list_after_inline_code_is_removed():
    assert convert("`puts 1`{:.language-ruby}").text == "`puts 1`"


def test_toc_list_is_removed():
    assert convert("# 記事\n\n* 目次\n{:toc}\n\n本文").text == "# 記事\n\n\n本文"


def test_numbered_toc_list_is_removed():
    assert convert("1. TOC\n{:toc}\n本文").text == "本文"


def test_header_id_is_removed():
    assert convert("## 背景 {#background}\n").text == "## 背景\n"


def test_setext_header_id_is_removed():
    assert convert("背景 {#background}\n----\n").text == "背景\n----\n"


# extensions


@pytest.mark.parametrize("render", RENDERERS)
def test_nomarkdown_block_becomes_a_raw_html_block(render):
    text = "{::nomarkdown}\n<table>\n<tr><td>*a*</td></tr>\n\n<tr><td>b</td></tr>\n</table>\n{:/nomarkdown}\n後の段落"
    result = convert(text)
    assert (
        result.text
        == "<div>\n<table>\n<tr><td>*a*</td></tr>\n<tr><td>b</td></tr>\n</table>\n</div>\n\n後の段落"
    )
    html = render(result.text)
    assert "<td>*a*</td>" in html and "<td>b</td>" in html
    assert "<p>後の段落</p>" in html


def test_nomarkdown_closed_by_the_short_end_tag():
    assert convert("{::nomarkdown}\n<hr>\n{:/}\n").text == "<div>\n<hr>\n</div>\n"


def test_nomarkdown_keeps_blank_lines_inside_pre():
    result = convert("{::nomarkdown}\n<pre>a\n\nb</pre>\n{:/nomarkdown}\n")
    assert "<pre>a\n\nb</pre>" in result.text


def test_nomarkdown_span_keeps_its_content_in_place():
    assert convert("改行{::nomarkdown}<br>{:/nomarkdown}ここ").text == "改行<br>ここ"


def test_comment_block_is_removed():
    assert convert("前\n{::comment}\n下書きのメモ\n{:/comment}\n後").text == "前\n後"


def test_comment_span_is_removed():
    assert convert("見える{::comment}見えない{:/}文").text == "見える文"


def test_options_are_removed():
    assert convert('{::options parse_block_html="true" /}\n本文').text == "本文"


def test_unknown_extension_is_kept_out_and_reported():
    result = convert("{::foo}\n本文")
    assert [match.group(2) for match in MARKER.finditer(result.text)] == ["{::foo}"]
    assert result.unknown_tags == ["::foo"]
    assert result.problems


def test_unclosed_comment_is_kept_out_and_reported():
    result = convert("{::comment}\n続く")
    assert "続く" in result.text
    assert [match.group(2) for match in MARKER.finditer(result.text)] == ["{::comment}"]
    assert "{:/comment}" in result.problems[0]


# what is not touched


def test_block_math_is_kept_byte_for_byte():
    text = "$$\n\\begin{aligned} a_{:x} &= {b} \\end{aligned}\n$$\n"
    assert convert(text).text == text


def test_inline_math_is_kept_byte_for_byte():
    text = "式 $$x^{:2}$$ の値"
    assert convert(text).text == text


def test_code_is_not_touched():
    text = "```\n{: .x}\n{::comment}\n```\n\n    {:toc}\n\n`{: .y}` と <code>{::nomarkdown}</code>\n"
    assert convert(text).text == text


@given(st.text())
def test_convert_never_raises(text):
    assert isinstance(convert(text).text, str)


@given(st.text(alphabet=st.sampled_from(list('{}:/#.= \n`$ab"*-')), max_size=80))
def test_convert_never_raises_on_kramdown_like_text(text):
    assert isinstance(convert(text).text, str)


@given(st.text().filter(lambda text: "{:" not in text and "{#" not in text))
def test_convert_is_the_identity_without_kramdown_syntax(text):
    # "{::" contains "{:"; "{#" (a header id) is kramdown syntax too.
    result = convert(text)
    assert result.text == text
    assert result.problems == []
