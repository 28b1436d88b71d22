"""Counts as Japanese writers count, equal to what the site stores and the editor shows."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import markdown
from articles.text import plain_text_from_html, reading_time_minutes
from tests.factories import make_article
from writing.counts import counts_of_markdown


def test_markdown_marks_link_targets_and_whitespace_are_not_counted():
    counts = counts_of_markdown(
        "## 見出し\n\n**太字**と[リンク](https://example.com/長い/住所)。\u3000終わり\n"
    )
    # 見出し 太字 と リンク 。 終わり
    assert counts.characters == len("見出し太字とリンク。終わり")
    assert counts.latin_words == 0
    assert counts.reading_minutes == 1


def test_latin_words_count_full_width_as_one():
    counts = counts_of_markdown("ＡＩ と GPU の large-language model")
    assert counts.latin_words == 4
    assert counts.characters == len("ＡＩとGPUのlarge-languagemodel")


BODIES = st.lists(
    st.sampled_from(
        [
            "推論の需要が伸びた。",
            "GPU demand grew.",
            "## 見出し",
            "- 箇条",
            "**太字**",
            "`code`",
            "\n\n",
            "　",
        ]
    ),
    max_size=400,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(body=BODIES)
def test_reading_time_is_the_sites_own(body):
    rendered = markdown.render(body).html
    assert counts_of_markdown(body).reading_minutes == reading_time_minutes(plain_text_from_html(rendered))


@pytest.mark.django_db
def test_an_article_stores_the_reading_time_the_editor_shows():
    body = "推論の需要が伸びた。" * 300 + "\n\nGPU demand grew." * 40
    article = make_article(body=body)
    assert article.reading_time == counts_of_markdown(body).reading_minutes == 7


@pytest.mark.django_db
def test_the_live_preview_carries_the_counts(writer):
    client = Client()
    client.force_login(writer)
    response = client.post(reverse("editorial:markdown_preview"), {"content": "**需要**は GPU。"})
    html = response.content.decode()
    assert (
        'class="writing-counts-data" data-characters="7" data-latin-words="1" data-reading-minutes="1"'
        in html
    )


@pytest.mark.django_db
def test_the_continuation_page_counts_each_segment(writer, editor, category):
    from editorial.continuation import segments

    article = make_article(
        title="続きの記事", body="", authors=[writer.author_profile], categories=[category]
    )
    first, _ = segments.add_segment(article, text="最初の部分です。途中で", by=editor)
    segments.add_segment(article, text="途中で止まったあとの続きです。GPU も。", by=editor, parent=first)
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_continuation", args=[article.pk])).content.decode()
    assert f"文字数 {len('最初の部分です。途中で')}字</span>" in page
    assert f"文字数 {len('途中で止まったあとの続きです。GPUも。')}字・英単語 1語</span>" in page
