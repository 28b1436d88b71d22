"""Readers' URLs and parameters: every malformed value gets a Japanese page, never a 500."""

import pytest
from django.test import Client
from django.test.utils import override_settings

from articles import search
from tests.factories import make_article

pytestmark = pytest.mark.django_db

NOT_FOUND_HEADING = "ページが見つかりません"


@pytest.fixture
def reader():
    # A 500 must show up as a status here, not as an exception raised into the test.
    return Client(raise_request_exception=False)


@pytest.fixture
def three_pages(author, category):
    with override_settings(ARTICLES_PER_PAGE=2):
        for number in range(5):
            make_article(title=f"記事{number}", authors=[author], categories=[category], published=True)
        yield


def page(reader, path, **params):
    response = reader.get(path, params)
    return response, response.content.decode()


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "１", "²", " 2", "%00", "last"])
def test_malformed_page_number_is_the_designed_404_saying_what_a_page_number_is(reader, three_pages, value):
    response, html = page(reader, "/", page=value)
    assert response.status_code == 404
    assert NOT_FOUND_HEADING in html
    assert "ページ番号は 1 以上の数字で指定してください。" in html


@pytest.mark.parametrize("value", ["4", "999", str(10**30), "1" * 5000])
def test_page_number_past_the_end_is_the_designed_404_saying_so(reader, three_pages, value):
    # The list is never counted (pages read one row ahead), so the page says
    # the list ends earlier rather than naming its last page.
    response, html = page(reader, "/", page=value)
    assert response.status_code == 404
    assert NOT_FOUND_HEADING in html
    assert "一覧はそこまで続いていません。" in html


def test_page_number_with_a_nul_byte_is_a_404_that_does_not_echo_it(reader, three_pages):
    response, html = page(reader, "/", page="2\x00")
    assert response.status_code == 404
    assert "\x00" not in html and "「2」というページはありません。" in html


def test_empty_page_number_is_the_first_page(reader, three_pages):
    response, _ = page(reader, "/", page="")
    assert response.status_code == 200 and response.context["page_obj"].number == 1


def test_the_final_page_number_still_works(reader, three_pages):
    final = page(reader, "/", page="3")[0].context["page_obj"]
    assert final.number == 3 and not final.has_next() and final.has_previous()


def test_page_beyond_the_end_of_a_category_is_a_404(reader, three_pages, category):
    response, html = page(reader, category.get_absolute_url(), page="9")
    assert response.status_code == 404 and "「9」というページはありません。" in html


def test_bad_page_number_in_search_results_is_a_404(reader, published_article):
    response, html = page(reader, "/search/", q="公開", page="abc")
    assert response.status_code == 404 and "ページ番号は 1 以上の数字" in html


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\u3000"])
def test_empty_or_blank_search_asks_for_a_keyword(reader, published_article, query):
    response, html = page(reader, "/search/", q=query)
    assert response.status_code == 200
    assert "キーワードを入力してください。" in html


@pytest.mark.parametrize(
    "query",
    [
        "&",
        "a & b | !c",
        ":*",
        "(投資)",
        "'",
        "''",
        "\\",
        "\\'",
        "!!!",
        "'; DROP TABLE articles_article; --",
        "<script>alert(1)</script>",
        "%",
        "_",
    ],
)
def test_punctuation_and_query_syntax_are_searched_as_plain_text(reader, published_article, query):
    response, html = page(reader, "/search/", q=query)
    assert response.status_code == 200
    assert "見つかりませんでした。" in html
    assert "<script>alert(1)" not in html


def test_quote_and_backslash_terms_still_find_articles_that_contain_them(reader, author):
    make_article(title="O'Reilly と C:\\path の話", authors=[author], published=True)
    for query in ("O'Reilly", "C:\\path"):
        response, _ = page(reader, "/search/", q=query)
        assert response.context["paginator"].count == 1, query


@pytest.mark.parametrize("query", ["\x00", "公開\x00", "\x00\x00 公開", "\x01\x1f公開"])
def test_nul_and_control_characters_in_search_are_dropped_not_a_500(reader, published_article, query):
    response, html = page(reader, "/search/", q=query)
    assert response.status_code == 200
    assert "\x00" not in html
    if "公開" in query:
        assert response.context["paginator"].count == 1
    else:
        assert "キーワードを入力してください。" in html


def test_nul_as_a_raw_percent_escape_is_not_a_500(reader, published_article):
    assert reader.get("/search/?q=%00").status_code == 200
    assert reader.get("/search/?q=%E5%85%AC%E9%96%8B%00").status_code == 200


@pytest.mark.parametrize("raw", ["%ff%fe", "%ED%A0%80", "%E5%85", "%", "%zz", "%C0%AF"])
def test_invalid_percent_encoding_and_lone_surrogates_are_answered(reader, published_article, raw):
    response = reader.get(f"/search/?q={raw}")
    assert response.status_code == 200
    assert "見つかりませんでした。" in response.content.decode() or "キーワード" in response.content.decode()


def test_emoji_search_is_a_normal_search(reader, author):
    make_article(title="決算🚀速報", authors=[author], published=True)
    response, html = page(reader, "/search/", q="🚀")
    assert response.status_code == 200 and response.context["paginator"].count == 1
    assert page(reader, "/search/", q="🚀🚀")[0].context["paginator"].count == 0


def test_ten_thousand_character_query_is_cut_and_the_reader_is_told(reader, published_article):
    response, html = page(reader, "/search/", q="あ" * 10_000)
    assert response.status_code == 200
    assert f"先頭の {search.MAX_QUERY_LENGTH} 文字で検索しました。" in html
    assert len(response.context["terms"][0]) == search.MAX_QUERY_LENGTH


def test_too_many_words_are_cut_and_the_reader_is_told(reader, published_article):
    response, html = page(reader, "/search/", q="公開 済み の 記事 です ほか")
    assert f"最初の {search.MAX_TERMS} 語で検索しました。" in html
    assert response.context["terms"] == ["公開", "済み", "の", "記事", "です"]


@pytest.mark.parametrize(
    "path", ["/archive/0/", "/archive/9999/", "/archive/2024/13/", "/archive/2024/0/", f"/archive/{10**30}/"]
)
def test_impossible_archive_dates_are_a_404_saying_what_is_valid(reader, path):
    response, html = page(reader, path)
    assert response.status_code == 404
    assert "その年月のアーカイブはありません。年は 2000〜2100、月は 1〜12 で指定してください。" in html


@pytest.mark.parametrize("path", ["/archive/-1/", "/archive/2024/-1/", "/archive/abc/", "/archive/2024/1.5/"])
def test_archive_paths_that_are_not_numbers_are_the_plain_404(reader, path):
    response, html = page(reader, path)
    assert response.status_code == 404 and NOT_FOUND_HEADING in html


@pytest.mark.parametrize(
    "path",
    [
        "/author/nobody/",
        "/tag/nobody/",
        "/category/nobody/",
        "/articles/nobody/",
        "/articles/12345/",
        f"/articles/{10**30}/",
        "/articles/%00/",
        "/articles/%E3%81%AA%E3%81%84/",
    ],
)
def test_unknown_slugs_and_article_ids_are_the_designed_404(reader, published_article, path):
    response, html = page(reader, path)
    assert response.status_code == 404
    assert NOT_FOUND_HEADING in html
    assert "matches the given query" not in html  # Django's English message is never shown


@pytest.mark.parametrize(
    "path", ["/tag/nobody/rss/", "/tag/nobody/atom/", "/category/nobody/rss/", "/author/nobody/atom/"]
)
def test_feeds_for_unknown_subjects_are_the_designed_404(reader, path):
    response, html = page(reader, path)
    assert response.status_code == 404 and NOT_FOUND_HEADING in html


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "%00",
        "a" * 5000,
        "eyJhcnRpY2xlIjoxfQ:1tQZ2x:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "..%2F..%2Fetc%2Fpasswd",
        "%E3%81%82",
    ],
)
def test_malformed_preview_links_get_the_japanese_refusal(reader, token):
    response, html = page(reader, f"/editorial/preview/{token}/")
    assert response.status_code == 404
    assert "このプレビューリンクは正しくありません。" in html or NOT_FOUND_HEADING in html


def test_preview_link_signed_by_us_with_a_bad_payload_is_refused_not_a_500(reader):
    from django.core import signing

    from editorial import previews

    for payload in ({"article": "x"}, {"other": 1}, ["article"], {"article": None}):
        token = signing.dumps(payload, salt=previews.SALT, compress=True)
        response, html = page(reader, f"/editorial/preview/{token}/")
        assert response.status_code == 404, payload
        assert "このプレビューリンクは正しくありません。" in html


@pytest.mark.parametrize("path", ["/x%00.html", "/a/%2500.html", "/%ff.html", "/" + "a" * 3000 + ".html"])
def test_odd_old_jekyll_addresses_are_a_404_not_a_500(reader, path):
    response, html = page(reader, path)
    assert response.status_code == 404 and NOT_FOUND_HEADING in html


def test_a_request_for_a_host_we_do_not_serve_is_the_japanese_400(reader):
    response = reader.get("/", headers={"host": "evil.example"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "リクエストを処理できません" in html and "evil.example" not in html


@pytest.mark.parametrize("value", ["abc", "0", "999", "-1"])
def test_sitemap_page_that_does_not_exist_is_the_designed_404(reader, published_article, value):
    response = reader.get("/sitemap.xml", {"p": value})
    assert response.status_code == 404 and NOT_FOUND_HEADING in response.content.decode()


def test_the_server_error_page_is_japanese_and_needs_no_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert '<html lang="ja">' in html and "サーバーで問題が起きました" in html
