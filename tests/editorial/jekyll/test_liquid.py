from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from articles.markdown import render_markdown, sanitise_html
from editorial.jekyll.leftovers import MARKER
from editorial.jekyll.liquid import LiquidContext, convert

INCLUDES = {
    "note.html": '<div class="note">{{ include.content }}</div>\n',
    "image.html": '<img src="{{ include.src | relative_url }}"{% if include.alt %} alt="{{ include.alt }}"{% endif %}>\n',
    "greeting.html": "こんにちは、{{ include.name }}さん\n",
    "itself.html": "{% include itself.html %}",
    "nested/box.html": "[{{ include.label }}]",
}
POSTS = {"2010-07-21-hello": "/articles/hello/", "blog/2011-01-02-nested": "/articles/nested/"}
PAGES = {"about.md": "/about/", "_posts/2010-07-21-hello.md": "/articles/hello/"}


def context(*, page=None, site=None, relative=None):
    return LiquidContext(
        variables={
            "site": {
                "url": "https://blog.example.com",
                "baseurl": "/blog",
                "title": "技術ブログ",
                **(site or {}),
            },
            "page": {
                "title": "はじめての投稿",
                "date": datetime(2010, 7, 21, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
                "url": "/2010/07/21/hello.html",
                "tags": ["python", "jekyll"],
                **(page or {}),
            },
        },
        read_include=INCLUDES.get,
        post_url=POSTS.get,
        link=PAGES.get,
        read_include_relative=relative,
    )


def commonmark(text):
    """What the reader gets from the CommonMark renderer the site is moving to."""
    return sanitise_html(MarkdownIt("commonmark").render(text))


RENDERERS = [render_markdown, commonmark]


def run(text, **options):
    return convert(text, context(**options))


def markers(text):
    return [match.group(2) for match in MARKER.finditer(text)]


# highlight


def test_highlight_becomes_a_fenced_block_with_its_language():
    result = run("前\n\n{% highlight ruby %}\ndef hello\n  puts 1\nend\n{% endhighlight %}\n\n後")
    assert result.text == "前\n\n```ruby\ndef hello\n  puts 1\nend\n```\n\n後"


def test_highlight_hash_comments_stay_code_not_headings():
    result = run("{% highlight python %}\n# 設定を読む\nimport os\n{% endhighlight %}")
    html = render_markdown(result.text)
    assert "<h1" not in html
    assert "# 設定を読む" in html


def test_highlight_linenos_and_other_options_are_dropped():
    result = run('{% highlight html linenos hl_lines="1 2" %}\n<p>x</p>\n{% endhighlight %}')
    assert result.text == "```html\n<p>x</p>\n```"


def test_highlight_fence_is_longer_than_any_backtick_run_inside():
    result = run("{% highlight md %}\n```js\nx\n```\n{% endhighlight %}")
    assert result.text == "````md\n```js\nx\n```\n````"


def test_highlight_in_a_list_item_keeps_the_indentation():
    result = run("1. 入れる:\n\n   {% highlight bash %}\n   gem install jekyll\n   {% endhighlight %}\n2. 次")
    assert result.text == "1. 入れる:\n\n   ```bash\n   gem install jekyll\n   ```\n2. 次"
    # Python-Markdown has no fenced code in list items; CommonMark has.
    assert "<li>" in commonmark(result.text) and "<pre><code" in commonmark(result.text)


def test_highlight_after_a_list_marker_moves_its_code_into_the_item():
    result = run("- {% highlight python %}\nprint(1)\n{% endhighlight %}")
    assert result.text == "- ```python\n  print(1)\n  ```"


def test_highlight_in_a_block_quote_stays_in_the_quote():
    result = run("> {% highlight js %}\n> var x;\n> {% endhighlight %}")
    assert result.text == "> ```js\n> var x;\n> ```"


def test_highlight_after_text_starts_on_its_own_line():
    assert run("説明 {% highlight sh %}ls -l{% endhighlight %}").text == "説明 \n```sh\nls -l\n```"


def test_text_after_endhighlight_goes_to_its_own_line():
    result = run("{% highlight sh %}\nls\n{% endhighlight %} 続き")
    assert result.text == "```sh\nls\n```\n続き"


def test_variables_inside_highlight_are_replaced_as_jekyll_does():
    result = run("{% highlight sh %}\ncurl {{ site.url }}/api\n{% endhighlight %}")
    assert "curl https://blog.example.com/api" in result.text


# raw and code


def test_raw_content_is_kept_verbatim():
    result = run("{% raw %}{{ page.title }} と {% if x %}{% endraw %}")
    assert result.text == "{{ page.title }} と {% if x %}"
    assert result.problems == []


def test_raw_inside_a_fenced_block_is_unwrapped():
    result = run("```liquid\n{% raw %}\n{{ page.title }}\n{% endraw %}\n```")
    assert result.text == "```liquid\n\n{{ page.title }}\n\n```"


def test_known_variable_in_code_is_replaced():
    assert run("`{{ site.url }}`").text == "`https://blog.example.com`"


def test_unknown_liquid_in_code_is_left_as_written_and_reported():
    text = "```\n{{ content }} {% youtube x %}\n```\n\n    {{ foo }}\n"
    result = run(text)
    assert result.text == text
    assert result.unknown_tags == []
    assert any("コード内の Liquid 3 箇所" in problem for problem in result.problems)


# variables and filters


def test_site_url_and_baseurl_in_a_link_and_an_image():
    result = run("[トップ]({{ site.url }}{{ site.baseurl }}/) ![図]({{ site.baseurl }}/assets/a.png)")
    assert result.text == "[トップ](https://blog.example.com/blog/) ![図](/blog/assets/a.png)"


def test_page_variables():
    assert run("{{ page.title }}: {{ page.url }}").text == "はじめての投稿: /2010/07/21/hello.html"


def test_relative_url_and_absolute_url_filters():
    result = run('{{ "/assets/a.png" | relative_url }} {{ "assets/a.png" | absolute_url }}')
    assert result.text == "/blog/assets/a.png https://blog.example.com/blog/assets/a.png"


def test_prepend_site_baseurl():
    assert run('{{ "/feed.xml" | prepend: site.baseurl }}').text == "/blog/feed.xml"


def test_escape_filter():
    assert run('{{ "<b>&</b>" | escape }}').text == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_date_filter():
    assert run('{{ page.date | date: "%Y年%-m月%-d日" }}').text == "2010年7月21日"


def test_date_to_string_and_xmlschema():
    result = run("{{ page.date | date_to_string }} {{ page.date | date_to_xmlschema }}")
    assert result.text == "21 Jul 2010 2010-07-21T09:30:00+09:00"


def test_default_filter_fills_a_missing_value():
    result = run('{{ page.subtitle | default: "なし" }}')
    assert result.text == "なし"
    assert result.problems == []


def test_unknown_filter_leaves_the_value_and_is_reported():
    result = run("{{ page.title | sparkle }}")
    assert result.text == "はじめての投稿"
    assert result.problems == ["フィルター「sparkle」には対応していないため、値をそのまま使いました。"]


def test_missing_page_value_becomes_empty_and_is_reported():
    result = run("副題: {{ page.subtitle }}")
    assert result.text == "副題: "
    assert "{{ page.subtitle }}" in result.problems[0]


def test_value_only_jekyll_knows_is_kept_out():
    result = run("記事数: {{ site.posts | size }}")
    assert markers(result.text) == ["{{ site.posts | size }}"]
    assert "site.posts" in result.problems[0]


def test_whitespace_control_trims_around_the_tag():
    assert run("A\n  {{- page.title -}}  \nB").text == "Aはじめての投稿B"


# links


def test_post_url_becomes_the_new_address():
    assert run("[前回]({% post_url 2010-07-21-hello %})").text == "[前回](/articles/hello/)"


def test_post_url_in_a_folder():
    assert run("{% post_url blog/2011-01-02-nested %}").text == "/articles/nested/"


def test_post_url_not_found_keeps_the_link_text_and_a_marker():
    result = run("[前回]({% post_url 2009-01-01-gone %})を参照")
    assert result.text.startswith("前回<!-- ")
    assert result.text.endswith("を参照")
    assert markers(result.text) == ["{% post_url 2009-01-01-gone %}"]
    assert "<a" not in render_markdown(result.text)


def test_link_tag_becomes_the_new_address():
    assert run("[私について]({% link about.md %})").text == "[私について](/about/)"


def test_link_tag_with_a_variable_argument():
    assert run("{% link {{ page.source }} %}", page={"source": "about.md"}).text == "/about/"


# include


def test_include_is_replaced_by_the_file_with_its_parameters():
    result = run('{% include note.html content="大事な **お知らせ**" %}\n\n次')
    assert result.text == '<div class="note">大事な **お知らせ**</div>\n\n\n次'


def test_include_parameter_from_a_variable():
    assert run("{% include greeting.html name=page.title %}\n").text == "こんにちは、はじめての投稿さん\n\n"


def test_include_inline_loses_its_final_newline():
    assert run('「{% include greeting.html name="太郎" %}」').text == "「こんにちは、太郎さん」"


def test_include_uses_its_own_conditions():
    with_alt = run('{% include image.html src="/a.png" alt="図" %}\n').text
    without = run('{% include image.html src="/a.png" %}\n').text
    assert with_alt.startswith('<img src="/blog/a.png" alt="図">')
    assert without.startswith('<img src="/blog/a.png">')


def test_include_in_a_folder_under_includes():
    assert run('{% include nested/box.html label="箱" %}').text == "[箱]"


def test_missing_include_is_kept_out_and_reported():
    result = run("{% include ad.html %}\n")
    assert markers(result.text) == ["{% include ad.html %}"]
    assert "「ad.html」がありません" in result.problems[0]


def test_recursive_include_stops():
    result = run("{% include itself.html %}")
    assert markers(result.text) == ["{% include itself.html %}"]
    assert "深すぎます" in result.problems[0]


def test_include_name_leaving_the_includes_folder_is_refused():
    asked = []
    result = convert(
        "{% include ../_config.yml %}",
        LiquidContext(variables={}, read_include=asked.append, post_url=POSTS.get, link=PAGES.get),
    )
    assert asked == []
    assert markers(result.text) == ["{% include ../_config.yml %}"]


def test_include_relative_reads_beside_the_post():
    result = run("{% include_relative parts/intro.md %}", relative={"parts/intro.md": "導入です"}.get)
    assert result.text == "導入です"


def test_include_relative_without_a_reader_is_kept_out():
    assert markers(run("{% include_relative intro.md %}").text) == ["{% include_relative intro.md %}"]


# tags that show nothing


def test_comment_is_removed():
    assert run("A{% comment %}メモ {% youtube x %}{% endcomment %}B").text == "AB"


def test_assign_is_not_shown_and_can_be_used():
    assert run('{% assign who = "読者" %}{{ who }}へ').text == "読者へ"


def test_capture_is_not_shown_and_can_be_used():
    assert run("{% capture t %}『{{ page.title }}』{% endcapture %}{{ t }}").text == "『はじめての投稿』"


# control flow


def test_if_with_known_values_keeps_the_chosen_branch():
    text = '{% if page.lang == "en" %}English{% elsif page.tags contains "jekyll" %}J{% else %}他{% endif %}'
    assert run(text).text == "J"


def test_unless_and_missing_values_read_as_nil():
    assert run("{% unless page.draft %}公開{% endunless %}").text == "公開"


def test_for_over_a_known_list():
    assert run(
        "{% for tag in page.tags %}#{{ tag }}{% unless forloop.last %} {% endunless %}{% endfor %}"
    ).text == ("#python #jekyll")


def test_case_with_known_value():
    assert run('{% case page.title %}{% when "x" %}X{% when "はじめての投稿" %}初{% endcase %}').text == "初"


def test_if_with_unknown_values_is_kept_out_and_its_content_stays():
    result = run("{% if site.data.ads %}広告{% endif %}")
    assert "広告" in result.text
    assert markers(result.text) == ["{% if site.data.ads %}", "{% endif %}"]
    assert len(result.problems) == 1 and "{% if site.data.ads %}" in result.problems[0]


# tags the import does not know


def test_unknown_tag_becomes_a_marker_the_reader_does_not_see():
    result = run("動画:\n\n{% youtube abc123 %}\n")
    assert result.text == "動画:\n\n<!-- 取り込み時に変換できなかった Liquid: {% youtube abc123 %} -->\n"
    assert result.unknown_tags == ["youtube"]
    assert "youtube" not in render_markdown(result.text)


def test_unknown_block_tag_keeps_its_content_visible():
    result = run('{% figure caption:"夜景" %}\n![夜景](/a.png)\n{% endfigure %}\n{% gist 123 %}')
    assert result.unknown_tags == ["figure", "gist"]
    assert "![夜景](/a.png)" in result.text
    assert markers(result.text) == ['{% figure caption:"夜景" %}', "{% endfigure %}", "{% gist 123 %}"]
    html = render_markdown(result.text)
    assert "<img" in html and "figure" not in html


def test_marker_escapes_double_hyphens():
    result = run("{% tweet --dark %}")
    assert "--dark" not in result.text
    assert "-‐dark" in result.text


@pytest.mark.parametrize("render", RENDERERS)
def test_marker_starting_a_paragraph_gets_its_own_line(render):
    result = run("{% icon star %} **おすすめ**の記事")
    assert result.text == "<!-- 取り込み時に変換できなかった Liquid: {% icon star %} -->\n**おすすめ**の記事"
    assert "<strong>おすすめ</strong>" in render(result.text)


def test_marker_starting_a_list_item_stays_in_the_item():
    result = run("- {% icon star %} **おすすめ**")
    assert result.text == "- <!-- 取り込み時に変換できなかった Liquid: {% icon star %} -->\n  **おすすめ**"
    assert "<li>" in commonmark(result.text) and "<strong>おすすめ</strong>" in commonmark(result.text)


@pytest.mark.parametrize("render", RENDERERS)
def test_marker_starting_a_line_inside_a_paragraph_moves_to_its_end(render):
    result = run("一行目\n{% icon star %} **二行目**")
    assert result.text == "一行目\n**二行目** <!-- 取り込み時に変換できなかった Liquid: {% icon star %} -->"
    assert render(result.text).count("<p>") == 1


# malformed Liquid


def test_unclosed_tag_is_left_as_written_and_reported():
    result = run("価格は {% 未完 です")
    assert result.text == "価格は {% 未完 です"
    assert result.problems == ["閉じていない「{%」があります:「{% 未完 です」"]


def test_stray_closing_delimiter_is_left_as_written_and_reported():
    result = run("{{ page.title }} 50%} 引き")
    assert result.text == "はじめての投稿 50%} 引き"
    assert result.problems == ["対応する「{%」のない「%}」があります。"]


def test_unclosed_block_is_kept_out_and_its_content_stays():
    result = run("{% if page.title %}見える")
    assert "見える" in result.text
    assert markers(result.text) == ["{% if page.title %}"]
    assert "endif" in result.problems[0]


def test_stray_end_tag_is_kept_out():
    assert markers(run("A{% endif %}B").text) == ["{% endif %}"]


def test_render_with_liquid_false_leaves_the_body_as_it_is():
    text = "{{ page.title }} {% youtube x %}"
    assert run(text, page={"render_with_liquid": False}).text == text


# the whole of it


@pytest.mark.parametrize("render", RENDERERS)
def test_reader_sees_no_template_syntax(render):
    text = (
        "# {{ page.title }}\n\n"
        "![図]({{ site.baseurl }}/a.png) [前]({% post_url 2010-07-21-hello %})\n\n"
        "{% highlight python %}\n# 注釈\nprint(1)\n{% endhighlight %}\n\n"
        "{% youtube abc %}\n\n"
        "{% figure %}\n本文\n{% endfigure %}\n\n"
        "{% include missing.html %} 以上\n"
    )
    html = render(run(text).text)
    for syntax in ("{%", "%}", "{{", "}}", "取り込み時"):
        assert syntax not in html


@given(st.text())
def test_convert_never_raises(text):
    result = run(text)
    assert isinstance(result.text, str)


@given(st.text(alphabet=st.sampled_from(list("{}%-:# \n`ab|\"'.=")), max_size=80))
def test_convert_never_raises_on_liquid_like_text(text):
    assert isinstance(run(text).text, str)


@given(st.text().filter(lambda text: "{%" not in text and "{{" not in text))
def test_convert_is_the_identity_without_liquid(text):
    result = run(text)
    assert result.text == text
    assert result.unknown_tags == []


def test_marker_in_an_html_attribute_empties_it_and_follows_the_tag():
    result = run('<a href="{% post_url 2009-01-01-gone %}">前回</a>')
    assert (
        result.text
        == '<a href=""><!-- 取り込み時に変換できなかった Liquid: {% post_url 2009-01-01-gone %} -->前回</a>'
    )


def test_unknown_liquid_in_math_is_left_as_written():
    text = "$$\\frac{{a}}{b}$$"
    assert run(text).text == text


def test_unclosed_raw_is_kept_out_and_the_rest_converted():
    result = run("{% raw %}{{ page.title }}")
    assert result.text.endswith("はじめての投稿")
    assert markers(result.text) == ["{% raw %}"]
    assert result.unknown_tags == []


def test_raw_around_code_is_not_reported_as_broken_liquid():
    text = "Inline: {% raw %}`{{ page.title }}`{% endraw %} prints it.\n\n{% raw %}\n```liquid\n{% for p in site.posts %}{{ p.title }}{% endfor %}\n```\n{% endraw %}\n"
    converted = convert(text, context())
    assert converted.problems == []
    assert "`{{ page.title }}`" in converted.text and "{% for p in site.posts %}" in converted.text
