import html

from django.utils.html import strip_tags
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.markdown import render_markdown
from articles.text import plain_text_from_html, reading_time_minutes, slug_candidate, unique_slug


def test_japanese_is_read_at_500_characters_a_minute():
    assert reading_time_minutes("あ" * 500) == 1
    assert reading_time_minutes("あ" * 501) == 2
    assert reading_time_minutes("漢字とカタカナ。" * 250) == 4  # 2,000 characters


def test_english_is_read_at_200_words_a_minute():
    assert reading_time_minutes("word " * 200) == 1
    assert reading_time_minutes("word " * 201) == 2
    assert reading_time_minutes("don't stop-loss e.g. " * 100) == 2  # 300 words


def test_mixed_text_adds_both_rates():
    # 250 Japanese characters (half a minute) + 100 words (half a minute) = 1 minute exactly.
    assert reading_time_minutes("あ" * 250 + " " + "word " * 100) == 1
    assert reading_time_minutes("あ" * 251 + " " + "word " * 100) == 2


def test_full_width_latin_counts_as_words_not_characters():
    assert reading_time_minutes("ＡＩ " * 201) == 2


def test_empty_text_takes_at_least_a_minute():
    assert reading_time_minutes("") == 1


def test_slug_keeps_japanese_and_drops_punctuation():
    assert (
        slug_candidate("中国AI、推論モデルで静かに台頭？", max_length=200) == "中国ai推論モデルで静かに台頭"
    )


def test_slug_falls_back_when_nothing_is_left():
    assert slug_candidate("？！…", max_length=200) == "article"


def test_unique_slug_appends_a_number_and_respects_the_length():
    taken = {"ab", "ab-2"}
    assert unique_slug("ab", taken=taken.__contains__, max_length=10) == "ab-3"
    assert unique_slug("abcdefghij", taken={"abcdefghij"}.__contains__, max_length=10) == "abcdefgh-2"


# Any body's rendering: the markup Markdown and raw HTML can make, attributes with ">" and quotes.
MARKUP = st.lists(
    st.sampled_from(
        [
            "# 見出し\n",
            "- ",
            "> ",
            "*",
            "_",
            "`",
            "[リンク](https://example.com/a?b=1&c=>",
            ")",
            '![図](a.png "題>")',
            "<b title='x>y'>",
            "</b>",
            '<abbr title="a>b">',
            "&amp;",
            "&lt;",
            "<",
            ">",
            '"',
            "'",
            "\n\n",
            "| a |\n|---|\n",
            "[^1]",
            "\n\n[^1]: 注",
            "*[AI]: 人工知能\n",
            "AI ",
            "本文",
            " ",
            "$x$",
            "<!-- c -->",
            "<script>x</script>",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKUP)
def test_plain_text_of_any_rendering_is_what_an_html_parser_reads(body):
    rendered = render_markdown(body)
    assert plain_text_from_html(rendered) == html.unescape(strip_tags(rendered))
