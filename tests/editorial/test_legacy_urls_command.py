"""manage.py legacy_urls: the list of old addresses, and the nginx map made from it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from editorial.legacy_urls import nginx_map, record_legacy_urls
from tests.factories import make_article


@pytest.fixture
def world(author):
    live = make_article(title="公開中", slug="live", authors=[author], published=True)
    record_legacy_urls(live, ["/2007/01/23/alt-shift-k/", "/ja/ニュース/2002/10/17/20021017.html"])
    draft = make_article(title="下書き", slug="draft", authors=[author])
    record_legacy_urls(draft, ["/2026/01/05/secret/"])
    early = make_article(
        title="公開前",
        slug="early",
        authors=[author],
        published=True,
        published_at=timezone.now() + timedelta(days=1),
    )
    record_legacy_urls(early, ["/2026/01/06/soon/"])
    return live


def run(*args):
    out = StringIO()
    call_command("legacy_urls", *args, stdout=out)
    return out.getvalue()


def test_lists_live_articles_old_and_new_addresses_tab_separated(world):
    assert run().splitlines() == [
        "/2007/01/23/alt-shift-k/\t/articles/live/",
        "/ja/ニュース/2002/10/17/20021017.html\t/articles/live/",
    ]


def test_all_lists_the_others_too_with_their_state(world):
    assert run("--all").splitlines() == [
        "/2007/01/23/alt-shift-k/\t/articles/live/\t公開中",
        "/2026/01/05/secret/\t/articles/draft/\t未公開（下書き）",
        "/2026/01/06/soon/\t/articles/early/\t未公開（公開日時前）",
        "/ja/ニュース/2002/10/17/20021017.html\t/articles/live/\t公開中",
    ]


def test_absolute_prefixes_the_site_url(world, settings):
    settings.SITE_URL = "https://allforces.example/"
    assert (
        run("--absolute").splitlines()[0]
        == "/2007/01/23/alt-shift-k/\thttps://allforces.example/articles/live/"
    )


def test_a_control_character_in_a_path_cannot_break_the_columns(world):
    record_legacy_urls(world, ["/tab\there/"])
    assert run().splitlines() == ["/tab%09here/\t/articles/live/"]


def test_nginx_map_has_every_form_of_each_live_address_and_nothing_else(world):
    body = run("--nginx")
    entries = [line.strip() for line in body.splitlines() if line.startswith("    ")]
    assert entries == [
        '"/2007/01/23/alt-shift-k" "/articles/live/";',
        '"/2007/01/23/alt-shift-k/" "/articles/live/";',
        '"/2007/01/23/alt-shift-k.html" "/articles/live/";',
        '"/2007/01/23/alt-shift-k/index.html" "/articles/live/";',
        '"/ja/ニュース/2002/10/17/20021017" "/articles/live/";',
        '"/ja/ニュース/2002/10/17/20021017/" "/articles/live/";',
        '"/ja/ニュース/2002/10/17/20021017.html" "/articles/live/";',
        '"/ja/ニュース/2002/10/17/20021017/index.html" "/articles/live/";',
    ]
    assert "map $uri $allforces_redirect {" in body and body.endswith("}\n")
    assert "return 301 $allforces_redirect$is_args$args;" in body  # how to use it
    assert "secret" not in body and "soon" not in body


def test_nginx_and_all_together_are_refused(world):
    with pytest.raises(CommandError, match="公開中の記事への転送だけ"):
        run("--nginx", "--all")


def test_nginx_map_quotes_what_nginx_would_read_otherwise():
    body = nginx_map([('/a "b" \\ c;{}.html', "/articles/x/")])
    assert '    "/a \\"b\\" \\\\ c;{}" "/articles/x/";' in body.splitlines()


def test_nginx_map_sends_encoded_urls_without_variables():
    body = nginx_map([("/old/", "/articles/日本語$x/")])
    assert '"/articles/%E6%97%A5%E6%9C%AC%E8%AA%9E%24x/";' in body


def test_nginx_map_writes_addresses_differing_only_in_case_as_case_sensitive_patterns():
    # nginx compares map strings ignoring case and refuses two that differ only in case.
    body = nginx_map([("/Drawing-Trees/", "/articles/upper/"), ("/drawing-trees/", "/articles/lower/")])
    assert '    "~^/Drawing-Trees\\\\.html$" "/articles/upper/";' in body.splitlines()
    assert '    "~^/drawing-trees/$" "/articles/lower/";' in body.splitlines()
    assert '"/drawing-trees/"' not in body


def test_nginx_map_writes_one_string_when_case_variants_lead_to_one_place():
    body = nginx_map([("/Same/", "/articles/same/"), ("/same/", "/articles/same/")])
    assert body.count('"/articles/same/";') == 4 and "~^" not in body


def test_nginx_map_hash_sizes_fit_long_japanese_addresses():
    long_path = "/ja/" + "長い題名" * 40 + "/"
    body = nginx_map([(long_path, "/articles/x/")])
    bucket = int(body.split("map_hash_bucket_size ")[1].split(";")[0])
    assert bucket >= 2 * (len((long_path + "index.html").encode()) + 16)


def test_the_map_s_forms_are_the_ones_the_app_matches():
    body = nginx_map([("/a/b.htm", "/articles/x/")])
    assert '"/a/b.htm" "/articles/x/";' in body and '"/a/b.html" "/articles/x/";' in body


def test_an_unpublished_article_is_left_out_of_the_map(world):
    Article.objects.filter(pk=world.pk).update(status=Article.Status.ARCHIVED)
    assert "/articles/" not in run("--nginx").split("map $uri $allforces_redirect {")[1]
