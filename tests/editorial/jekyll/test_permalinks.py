"""Jekyll 4's post URLs, each case worked by hand from Jekyll's source (url_drop.rb,
url.rb, utils.rb, document.rb, configuration.rb)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from editorial.jekyll.permalinks import (
    PermalinkError,
    filename_slug,
    jekyll_slugify,
    jekyll_url,
    path_categories,
    post_categories,
)

TOKYO = ZoneInfo("Asia/Tokyo")
# A Tuesday in ISO week 4, the 23rd day of the year.
DATE = datetime(2007, 1, 23, 9, 5, 7, tzinfo=TOKYO)


def url(template, **fields):
    fields.setdefault("date", DATE)
    fields.setdefault("slug", "alt-shift-k-63743")
    return jekyll_url(permalink=template, **fields)


# --- The built-in styles ----------------------------------------------------


def test_date_is_the_default_style():
    assert url(None, categories=["Tech"]) == "/tech/2007/01/23/alt-shift-k-63743.html"
    assert url("date", categories=["Tech"]) == "/tech/2007/01/23/alt-shift-k-63743.html"


def test_pretty_style_ends_in_a_slash():
    assert url("pretty", categories=["Tech"]) == "/tech/2007/01/23/alt-shift-k-63743/"


def test_ordinal_style_uses_the_day_of_the_year():
    assert url("ordinal") == "/2007/023/alt-shift-k-63743.html"


def test_weekdate_style_uses_the_iso_week_and_the_english_day():
    assert url("weekdate") == "/2007/W04/Tue/alt-shift-k-63743.html"


def test_none_style_has_no_date():
    assert url("none", categories=["Tech"]) == "/tech/alt-shift-k-63743.html"


def test_a_style_name_in_the_front_matter_is_literal_text():
    assert jekyll_url(front_permalink="pretty", date=DATE, slug="x") == "/pretty"


def test_a_style_name_is_matched_exactly():
    assert url("Pretty") == "/Pretty"


# --- Every placeholder --------------------------------------------------------


@pytest.mark.parametrize(
    ("placeholder", "value"),
    [
        (":year", "2007"),
        (":month", "01"),
        (":i_month", "1"),
        (":day", "23"),
        (":i_day", "23"),
        (":short_year", "07"),
        (":hour", "09"),
        (":minute", "05"),
        (":second", "07"),
        (":y_day", "023"),
        (":short_month", "Jan"),
        (":long_month", "January"),
        (":week", "04"),
        (":w_year", "2007"),
        (":w_day", "2"),
        (":short_day", "Tue"),
        (":long_day", "Tuesday"),
        (":output_ext", ".html"),
        (":collection", "posts"),
    ],
)
def test_each_date_and_fixed_placeholder(placeholder, value):
    assert url(f"/x/{placeholder}/y") == f"/x/{value}/y"


def test_unpadded_day_and_month_drop_the_zero():
    assert url("/:i_month/:i_day", date=datetime(2024, 3, 5, tzinfo=TOKYO)) == "/3/5"


def test_week_year_differs_from_the_year_at_new_year():
    # 2024-12-30 is a Monday of ISO week 1 of 2025.
    assert (
        url("/:year/:w_year-W:week-:w_day", date=datetime(2024, 12, 30, tzinfo=TOKYO)) == "/2024/2025-W01-1"
    )


def test_date_parts_are_the_site_time_zone_s_wall_clock():
    late = datetime(2024, 5, 1, 23, 30, tzinfo=TOKYO)
    assert url("/:year/:month/:day/:hour", date=late) == "/2024/05/01/23"


def test_title_is_the_file_name_slug_made_pretty_with_its_case_kept():
    assert url("/:title", slug="My Post.v2 (final)") == "/My-Post.v2-(final)"


def test_slug_is_the_file_name_slug_in_lower_case_letters_and_digits():
    assert url("/:slug", slug="My Post.v2 (final)") == "/my-post-v2-final"


def test_a_front_matter_slug_replaces_the_file_name_slug_in_title_and_slug():
    # Jekyll's data["slug"] is the front matter's when given; the caller passes that one.
    assert url("/:title/:slug", slug="Drawing Trees") == "/Drawing-Trees/drawing-trees"


def test_name_is_the_whole_file_name_slugified_date_included():
    source = "_posts/2007-01-23-Alt Shift K.md"
    assert url("/:name", source_path=source) == "/2007-01-23-alt-shift-k"


def test_path_is_the_file_path_without_posts_folder_or_extension():
    source = "ja/news/_posts/2002-10-17-20021017.md"
    assert url("/:path/", source_path=source) == "/ja/news/2002-10-17-20021017/"


def test_name_and_path_need_the_source_path():
    with pytest.raises(PermalinkError, match=":name と :path"):
        url("/:name")


def test_categories_are_lower_cased_joined_with_slashes_and_given_once():
    assert url("/:categories/:title", categories=["Ruby", "Rails", "ruby"]) == "/ruby/rails/alt-shift-k-63743"


def test_categories_keep_japanese_and_spaces():
    assert url("/:categories/", categories=["Investing News", "投資 分析"]) == "/investing news/投資 分析/"


def test_slugified_categories_are_slugs():
    assert (
        url("/:slugified_categories/", categories=["Work 2 Progress", "投資 分析"])
        == "/work-2-progress/投資-分析/"
    )


def test_no_categories_leave_no_empty_segment():
    assert url("/:categories/:year/:title/") == "/2007/alt-shift-k-63743/"


def test_an_underscore_after_a_placeholder_is_text():
    assert url("/:month_:day") == "/01_23"


def test_an_unknown_placeholder_is_refused_as_jekyll_does():
    with pytest.raises(PermalinkError, match=":titel"):
        url("/:titel/")


def test_upper_case_after_a_colon_is_not_a_placeholder():
    assert url("/:Title/:year") == "/:Title/2007"


def test_date_placeholders_need_a_date():
    assert jekyll_url(front_permalink="/about/:title/", date=None, slug="about") == "/about/about/"
    with pytest.raises(PermalinkError, match="日付"):
        jekyll_url(permalink="date", date=None, slug="about")


# --- Japanese --------------------------------------------------------------------


def test_japanese_title_stays_decoded_and_its_punctuation_becomes_hyphens():
    assert url("/:title/", slug="日本語の記事、第２回！") == "/日本語の記事-第２回/"


def test_japanese_slug_is_kept_and_not_lower_cased_away():
    assert url("/:slug", slug="ＡＩ半導体") == "/ａｉ半導体"


def test_combining_marks_are_letters_for_slugify():
    assert jekyll_slugify("e\u0301t\u00e9 2024") == "e\u0301t\u00e9-2024"


# --- Front matter permalink, sanitising, baseurl ----------------------------------


def test_front_matter_permalink_wins_and_takes_placeholders():
    got = jekyll_url(permalink="pretty", front_permalink="/notes/:year/:title.html", date=DATE, slug="own")
    assert got == "/notes/2007/own.html"


def test_front_matter_permalink_gets_a_leading_slash():
    assert jekyll_url(front_permalink="notes/own/", date=DATE, slug="own") == "/notes/own/"


def test_an_empty_front_matter_permalink_is_the_root_as_in_jekyll():
    assert jekyll_url(front_permalink="", date=DATE, slug="own") == "/"


def test_trailing_slash_is_kept_and_runs_of_slashes_become_one():
    assert url("//:categories//:title//") == "/alt-shift-k-63743/"
    assert url("/:categories/:title") == "/alt-shift-k-63743"


def test_dot_segments_are_removed_as_jekyll_sanitises():
    assert jekyll_url(front_permalink="/a/../b/./c.html", date=DATE, slug="x") == "/a/b/c.html"


def test_output_ext_follows_the_converter():
    assert url("/:title:output_ext", output_ext=".xml") == "/alt-shift-k-63743.xml"


def test_percent_encoded_text_in_the_template_is_decoded_like_jekyll_s_file_name():
    assert (
        jekyll_url(front_permalink="/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9/", date=DATE, slug="x")
        == "/ニュース/"
    )


def test_a_percent_sign_in_a_value_stays_a_percent_sign():
    assert url("/:categories/", categories=["100%"]) == "/100%/"


@pytest.mark.parametrize("baseurl", ["/blog", "/blog/", "blog", " /blog/ "])
def test_baseurl_prefixes_the_served_address(baseurl):
    assert url("pretty", baseurl=baseurl) == "/blog/2007/01/23/alt-shift-k-63743/"


@pytest.mark.parametrize("baseurl", ["", "/"])
def test_an_empty_baseurl_adds_nothing(baseurl):
    assert url("none", baseurl=baseurl) == "/alt-shift-k-63743.html"


def test_a_japanese_baseurl_is_decoded():
    assert url("none", baseurl="/%E3%83%96%E3%83%AD%E3%82%B0") == "/ブログ/alt-shift-k-63743.html"


# --- Reading the post the way Jekyll does ------------------------------------------


def test_real_addresses():
    assert url("/:year/:month/:day/:title/") == "/2007/01/23/alt-shift-k-63743/"
    news = post_categories("ja/news/_posts/2002-10-17-20021017.md", {})
    day = datetime(2002, 10, 17, tzinfo=TOKYO)
    assert url("pretty", date=day, slug="20021017", categories=news) == "/ja/news/2002/10/17/20021017/"
    assert url("/:categories/:title/", slug="drawing-trees", categories=["mastering-paper"]) == (
        "/mastering-paper/drawing-trees/"
    )


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("_posts/2007-01-23-alt-shift-k-63743.md", "alt-shift-k-63743"),
        ("_posts/2007-1-3-short-date.markdown", "short-date"),
        ("_posts/2024-05-01-日本語の記事.md", "日本語の記事"),
        ("_posts/2024-05-01-two.dots.md", "two.dots"),
        ("_drafts/undated.md", "undated"),
    ],
)
def test_filename_slug(name, slug):
    assert filename_slug(name) == slug


def test_folders_above_posts_are_categories_and_below_are_not():
    assert path_categories("ja/news/_posts/2002-10-17-x.md") == ["ja", "news"]
    assert path_categories("_posts/es/2002-10-17-x.md") == []


def test_front_matter_categories_follow_folder_ones_a_string_split_on_ascii_spaces():
    front = {"categories": "Ruby  Rails\u3000投資"}
    assert post_categories("ja/_posts/x.md", front) == ["ja", "Ruby", "Rails\u3000投資"]


def test_singular_category_is_kept_whole_and_comes_last():
    front = {"categories": ["News"], "category": "Investing News"}
    assert post_categories("_posts/x.md", front) == ["News", "Investing News"]


def test_categories_are_given_once_and_as_text():
    front = {"categories": ["news", 2007, None, True], "category": "news"}
    assert post_categories("news/_posts/x.md", front) == ["news", "2007", "true"]
