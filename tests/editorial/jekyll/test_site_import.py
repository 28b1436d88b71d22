"""Importing whole Jekyll sites: identity, the report, the dry run and Jekyll's own rules."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from editorial.models import ImportedSource

pytestmark = pytest.mark.django_db

S = Article.Status
COMPLETE = "半導体の需要は底を打ちました。設備投資の再開が見込まれます。\n"


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def post(root, relative, front="", body=COMPLETE):
    return write(root, relative, f"---\n{front.strip()}\n---\n\n{body}")


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_jekyll", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def test_posts_with_the_same_slug_are_all_kept_and_the_report_names_the_new_slugs(tmp_path):
    for month in (1, 2, 3):
        post(tmp_path, f"_posts/2015-0{month}-01-notitle.md", f"date: 2015-0{month}-01 10:00")
    ok, out, _ = run(tmp_path)
    assert ok, out
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "notitle",
        "notitle-20150201",
        "notitle-20150301",
    ]
    assert "新規 3 件" in out
    assert out.count("スラッグ「notitle」は使われているため") == 2


def test_the_dry_run_reports_what_the_real_run_then_does(tmp_path):
    for month in (1, 2):
        post(tmp_path, f"_posts/2015-0{month}-01-notitle.md", "")
    post(tmp_path, "_posts/2015-04-01-broken.md", "title: [unclosed")
    write(tmp_path, "_posts/notes.md", "---\ntitle: 日付のない名前\n---\n\n本文。")
    dry = run(tmp_path, "--dry-run")
    assert not Article.objects.exists()
    real = run(tmp_path)
    assert dry[0] is real[0] is False
    strip = lambda text: text.replace("［試行のみ・保存していません］", "")  # noqa: E731
    assert strip(dry[1]) == strip(real[1]) and strip(dry[2]) == strip(real[2])
    assert "新規 2 件、更新 0 件、変更なし 0 件、スキップ 1 件、失敗 1 件" in real[2]
    assert "notes.md: （スキップ）ファイル名が「年-月-日-名前」の形ではない" in real[2]


def test_reimporting_an_unchanged_site_reports_every_post_unchanged(tmp_path):
    post(tmp_path, "_posts/2015-01-01-a.md", "title: 一つ目")
    post(tmp_path, "_posts/2015-01-02-b.md", "title: 二つ目")
    assert run(tmp_path)[0]
    versions = list(Article.objects.order_by("pk").values_list("version", flat=True))
    ok, out, _ = run(tmp_path)
    assert ok and "新規 0 件、更新 0 件、変更なし 2 件" in out
    assert list(Article.objects.order_by("pk").values_list("version", flat=True)) == versions
    post(tmp_path, "_posts/2015-01-02-b.md", "title: 二つ目（改）")
    ok, out, _ = run(tmp_path)
    assert "更新 1 件、変更なし 1 件" in out
    assert Article.objects.filter(title="二つ目（改）").count() == 1


def test_dates_without_an_offset_are_read_in_the_sites_timezone(tmp_path):
    write(tmp_path, "_config.yml", "timezone: UTC\n")
    post(tmp_path, "_posts/2015-03-01-utc.md", "title: UTC\ndate: 2015-03-01 10:00")
    post(tmp_path, "_posts/2015-03-02-name.md", "title: ファイル名の日付")
    assert run(tmp_path)[0]
    assert Article.objects.get(title="UTC").published_at == datetime(2015, 3, 1, 10, 0, tzinfo=UTC)
    assert Article.objects.get(slug="name").published_at == datetime(2015, 3, 2, tzinfo=UTC)


def test_an_unknown_timezone_stops_the_site_with_a_clear_message(tmp_path):
    write(tmp_path, "_config.yml", "timezone: Mars/Olympus\n")
    post(tmp_path, "_posts/2015-03-01-a.md", "title: a")
    ok, _, err = run(tmp_path)
    assert not ok and "timezone「Mars/Olympus」が分かりません" in err
    assert not Article.objects.exists()


def test_jekylls_rules_for_titles_front_matter_and_names(tmp_path):
    post(tmp_path, "_posts/2015-3-7-one-digit-month.md", "")  # empty front matter, title from the name
    write(tmp_path, "_posts/2015-03-08-dots.md", "---\ntitle: 点で閉じる\n...\n\n本文です。\n")
    post(tmp_path, "_posts/2015-03-09-year.md", "title: 数のカテゴリー\ncategory: 2013")
    post(
        tmp_path,
        "_posts/2015-03-10-words.md",
        "title: 空白区切り\ncategories: 市場 金利\ncategory: 長い 名前",
    )
    post(tmp_path, "ja/news/_posts/2015-03-11-folder.md", "title: フォルダのカテゴリー\ncategories: [解説]")
    post(tmp_path, "_posts/2015-03-12-mkdn.mkdn", "title: mkdn の記事")
    post(tmp_path, "_posts/2015-03-13-text.text", "title: text の記事")
    post(tmp_path, "_posts/2015-03-14-textile.textile", "title: textile の記事")
    write(tmp_path, "_posts/2015-03-15-no-front.md", "front matter のない文章。\n")
    post(tmp_path, "about.md", "title: ページ")
    post(tmp_path, "_drafts/someday.md", "title: 下書き")
    post(tmp_path, "_posts/2015-03-16-hidden.md", "title: 非公開\npublished: false")
    ok, out, err = run(tmp_path)
    assert ok, err
    titles = dict(Article.objects.values_list("slug", "title"))
    assert titles["one-digit-month"] == "One Digit Month"
    assert titles["dots"] == "点で閉じる"
    assert Article.objects.get(slug="one-digit-month").published_at.date() == datetime(2015, 3, 6).date()

    def categories(slug):
        return [c.name for c in Article.objects.get(slug=slug).categories.order_by("pk")]

    assert categories("year") == ["2013"]
    assert sorted(categories("words")) == ["市場", "金利", "長い 名前"]
    assert sorted(categories("folder")) == ["ja", "news", "解説"]
    assert {"mkdn", "text"} <= set(titles)
    assert "textile" not in titles and "no-front" not in titles and "ページ" not in titles.values()
    assert "2015-03-14-textile.textile: （スキップ）拡張子「.textile」" in err
    assert "2015-03-15-no-front.md: （スキップ）先頭に --- で囲んだ front matter がない" in err
    assert "about.md: （スキップ）_posts フォルダの外にある" in err
    assert Article.objects.get(slug="someday").status == S.DRAFT
    assert Article.objects.get(slug="hidden").status == S.DRAFT


def test_site_defaults_authors_data_and_excerpt_rules(tmp_path):
    write(
        tmp_path,
        "_config.yml",
        "author: サイトの著者\nexcerpt_separator: <!--more-->\n"
        "defaults:\n  - scope: {path: '', type: posts}\n    values: {author: hanako, layout: article}\n"
        "  - scope: {path: guest}\n    values: {author: 来客}\n",
    )
    write(tmp_path, "_data/authors.yml", "hanako:\n  name: 佐藤 花子\n  twitter: hanako\n")
    post(
        tmp_path,
        "_posts/2015-03-01-a.md",
        "title: 既定の著者",
        body="最初の段落。\n\n次の段落。<!--more-->以降。\n",
    )
    post(tmp_path, "guest/_posts/2015-03-02-b.md", "title: 客の記事\ndescription: 説明文から。")
    post(tmp_path, "_posts/2015-03-03-c.md", "title: 抜粋つき\nexcerpt: 抜粋から。\nauthor: taro")
    assert run(tmp_path)[0]
    a, b, c = (Article.objects.get(slug=slug) for slug in "abc")
    assert [x.name for x in a.ordered_authors] == ["佐藤 花子"]
    assert a.excerpt == "最初の段落。 次の段落。"
    assert a.imported_source.layout == "article"
    assert [x.name for x in b.ordered_authors] == ["来客"] and b.excerpt == "説明文から。"
    assert [x.name for x in c.ordered_authors] == ["taro"] and c.excerpt == "抜粋から。"


def test_every_front_matter_key_and_the_original_file_are_kept(tmp_path):
    path = post(
        tmp_path,
        "_posts/2015-03-01-keys.md",
        "title: 鍵\nimage: {path: /assets/a.png, alt: 図}\nredirect_from: [/old/]\ncomments: true\ndate: 2015-03-01",
    )
    assert run(tmp_path)[0]
    source = ImportedSource.objects.get()
    assert source.front_matter["image"] == {"path": "/assets/a.png", "alt": "図"}
    assert source.front_matter["redirect_from"] == ["/old/"]
    assert source.front_matter["comments"] is True and source.front_matter["date"] == "2015-03-01"
    assert source.original_text == path.read_text()
    assert source.source_key == "_posts/2015-03-01-keys.md"


def test_an_imported_post_is_not_shown_as_updated_unless_it_says_so(tmp_path, client):
    post(tmp_path, "_posts/2015-03-01-plain.md", "title: 更新なし")
    post(tmp_path, "_posts/2015-03-02-edited.md", "title: 更新あり\nlast_modified_at: 2016-01-05 09:00 +0900")
    assert run(tmp_path)[0]
    plain, edited = Article.objects.get(slug="plain"), Article.objects.get(slug="edited")
    assert not plain.edited_after_publication and plain.updated_at == plain.published_at
    assert edited.updated_at == datetime(2016, 1, 5, 0, 0, tzinfo=UTC)
    assert "更新）" not in client.get(plain.get_absolute_url()).content.decode()
    assert "2016年1月5日" in client.get(edited.get_absolute_url()).content.decode()


def test_export_writes_imported_posts_back_under_their_paths_with_their_keys(tmp_path):
    site = tmp_path / "site"
    post(site, "ja/_posts/2015-03-01-keys.md", "title: 鍵\ncomments: true\npermalink: /ja/keys/")
    assert run(site)[0]
    out = tmp_path / "out"
    call_command("export_jekyll", str(out), stdout=StringIO())
    exported = out / "ja/_posts/2015-03-01-keys.md"
    text = exported.read_text()
    assert "comments: true" in text and "permalink: /ja/keys/" in text
    assert run(out)[0] and Article.objects.count() == 1


def test_a_post_costs_a_bounded_number_of_queries(tmp_path):
    for number in range(20):
        post(
            tmp_path,
            f"_posts/2015-03-{number + 1:02d}-post{number}.md",
            f"title: 記事{number}\ncategories: [市場, 分類{number % 3}]\ntags: [AI, 半導体, タグ{number}]\n"
            f"author: [著者{number % 4}, ALLFORCES編集部]",
            body=COMPLETE  # five passes: the cost must not grow with them
            + "\n---END---\n設備投資の再開が見込まれます。受注は増えています。\n"
            + "\n---END---\n受注は増えています。在庫は減りました。\n"
            + "\n---END---\n在庫は減りました。価格は上がりました。\n"
            + "\n---END---\n価格は上がりました。利益も増えました。\n",
        )
    with CaptureQueriesContext(connection) as queries:
        assert run(tmp_path)[0]
    assert Article.objects.count() == 20
    per_post = len(queries) / 20
    print(f"{per_post:.1f} queries per post")
    assert per_post <= 30, per_post


def test_a_file_named_alone_is_the_same_post_as_in_its_site(tmp_path):
    write(tmp_path, "_config.yml", "timezone: UTC\nurl: https://example.com\n")
    path = post(tmp_path, "blog/_posts/2015-03-01-alone.md", "title: 単独")
    assert run(tmp_path)[0]
    post(tmp_path, "blog/_posts/2015-03-01-alone.md", "title: 単独（改）")
    ok, out, _ = run(path)
    assert ok and "更新 1 件" in out
    article = Article.objects.get()
    assert article.title == "単独（改）" and [c.name for c in article.categories.all()] == ["blog"]
    assert article.imported_source.site == "https://example.com"


def test_a_plain_yaml_timestamp_without_offset_is_utc_as_in_jekyll(tmp_path):
    # SafeYAML reads an unquoted date with seconds as UTC; text dates take the site's zone.
    post(tmp_path, "_posts/2015-04-02-stamp.md", "title: 秒まで\ndate: 2015-04-02 23:30:00")
    post(tmp_path, "_posts/2015-04-02-quoted.md", 'title: 引用符\ndate: "2015-04-02 23:30:00"')
    post(tmp_path, "_posts/2015-04-02-minutes.md", "title: 分まで\ndate: 2015-04-02 23:30")
    assert run(tmp_path)[0]
    published = dict(Article.objects.values_list("slug", "published_at"))
    assert published["stamp"] == datetime(2015, 4, 2, 23, 30, tzinfo=UTC)
    assert published["quoted"] == published["minutes"] == datetime(2015, 4, 2, 14, 30, tzinfo=UTC)
