import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Category
from editorial import scheduling
from editorial.models import Segment, Transition

pytestmark = pytest.mark.django_db

S = Article.Status

BODY = """市場は先週、半導体株を中心に大きく動きました。

## 背景

装置メーカーの受注は底打ちの兆しを見せています。本記事は情報提供を目的としており、投資助言ではありません。
"""


def post(tmp_path, name, front_matter, body=BODY, *, raw=None):
    path = tmp_path / name
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(f"---\n{front_matter.strip()}\n---\n\n{body}", encoding="utf-8")
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_jekyll", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def test_front_matter_lists_strings_dates_and_author(tmp_path):
    post(
        tmp_path,
        "2024-05-01-chips.md",
        """
title: "半導体の底打ち: 装置受注から読む"
date: 2024-05-01 09:30:00 +0900
categories: [投資分析, マーケット]
tags: 半導体 装置
author: 佐伯 遥
excerpt: 装置受注の回復から循環の位置を読みます。
layout: analysis
""",
    )
    ok, out, _ = run(tmp_path)
    assert ok, out
    article = Article.objects.get()
    assert article.slug == "chips"
    assert article.title == "半導体の底打ち: 装置受注から読む"
    assert article.published_at == datetime(2024, 5, 1, 0, 30, tzinfo=UTC)
    assert [c.name for c in article.categories.order_by("name")] == ["マーケット", "投資分析"]
    assert sorted(article.tags.names()) == ["半導体", "装置"]
    assert [a.name for a in article.ordered_authors] == ["佐伯 遥"]
    assert article.status == S.PUBLISHED
    assert article.imported_source.layout == "analysis"
    assert "新規 1 件" in out


@pytest.mark.parametrize(
    "date, expected",
    [
        ("2024-05-01", datetime(2024, 4, 30, 15, 0, tzinfo=UTC)),  # no time, no offset: Tokyo midnight
        ("2024-05-01 12:00", datetime(2024, 5, 1, 3, 0, tzinfo=UTC)),
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
        ("2024-05-01 12:00:00 +00:00", datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
        ("2024-05-01 12:00:00 -0500", datetime(2024, 5, 1, 17, 0, tzinfo=UTC)),
    ],
)
def test_date_variants(tmp_path, date, expected):
    post(tmp_path, "a.md", f'title: 日付の確認\ndate: "{date}"\ncategories: 投資分析')
    assert run(tmp_path)[0]
    assert Article.objects.get().published_at == expected


def test_date_from_the_file_name_when_front_matter_has_none(tmp_path):
    post(tmp_path, "2023-12-24-holiday.md", "title: 年末の相場")
    assert run(tmp_path)[0]
    article = Article.objects.get()
    assert timezone.localtime(article.published_at).date().isoformat() == "2023-12-24"


def test_published_false_is_a_draft_and_a_future_date_is_scheduled(tmp_path):
    post(tmp_path, "draft.md", "title: 下書きの記事\ndate: 2024-01-01\npublished: false")
    future = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S +0900")
    post(tmp_path, "future.md", f"title: 予約の記事\ndate: {future}")
    assert run(tmp_path)[0]
    assert Article.objects.get(title="下書きの記事").status == S.DRAFT
    scheduled = Article.objects.get(title="予約の記事")
    assert scheduled.status == S.SCHEDULED
    assert scheduled.publish_at > timezone.now()
    assert not Article.objects.published().exists()


def test_a_future_date_imported_as_published_is_scheduled_for_that_date_and_the_report_says_so(tmp_path):
    future = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    post(tmp_path, "future.md", f"title: 予約の記事\ndate: {future.isoformat()}")
    note = (
        f"future.md: 注意: 日付（{timezone.localtime(future):%Y-%m-%d %H:%M}）がまだ来ていないため、"
        "公開ではなく公開予約として取り込みました。その日時に自動で公開されます。"
    )
    for dry_run in (["--dry-run"], []):
        ok, out, _ = run(tmp_path, "--status", "published", "-v", "2", *dry_run)
        assert ok, out
        assert note in out and "予約の記事（公開予約）" in out, out
    article = Article.objects.get()
    assert (article.status, article.publish_at, article.published_at) == (S.SCHEDULED, future, None)
    assert not Article.objects.published().exists()


def test_a_past_date_imported_as_published_is_published_on_that_date(tmp_path):
    post(tmp_path, "past.md", "title: 過去の記事\ndate: 2024-05-01 09:30:00 +0900")
    ok, out, _ = run(tmp_path, "--status", "published")
    assert ok and "公開予約" not in out, out
    article = Article.objects.get()
    assert article.status == S.PUBLISHED
    assert article.published_at == article.first_published_at == datetime(2024, 5, 1, 0, 30, tzinfo=UTC)


def test_a_future_import_goes_live_through_the_sweep_once_its_time_has_come(tmp_path, client, category):
    live_at = timezone.now().replace(microsecond=0) + timedelta(seconds=2)
    post(
        tmp_path,
        "soon.md",
        f"title: もうすぐの記事\ndate: {live_at.isoformat()}\ncategories: [{category.name}]",
    )
    assert run(tmp_path, "--status", "published")[0]
    article = Article.objects.get()
    assert article.status == S.SCHEDULED
    deadline = time.monotonic() + 10
    while not scheduling.due_articles().exists():  # by the database's clock
        assert time.monotonic() < deadline, "never due"
        time.sleep(0.1)
    assert scheduling.publish_due() == 1
    article.refresh_from_db()
    assert article.status == S.PUBLISHED
    assert article.published_at == article.first_published_at >= live_at
    home = client.get(reverse("articles:home")).context
    assert [a.pk for a in home["articles"]] == [article.pk]
    assert [(c.pk, newest.pk) for c, newest in home["featured"]] == [(category.pk, article.pk)]


def test_cut_off_body_is_continuation_and_status_option_overrides(tmp_path):
    post(tmp_path, "cut.md", "title: 途中の記事\ndate: 2024-01-01", body="結論を先に言えば、今後の需要は")
    post(tmp_path, "normal.md", "title: 普通の記事\ndate: 2024-01-01")
    assert run(tmp_path / "cut.md")[0]
    assert Article.objects.get(title="途中の記事").status == S.CONTINUATION
    assert run(tmp_path / "normal.md", "--status", "review")[0]
    assert Article.objects.get(title="普通の記事").status == S.REVIEW
    assert Transition.objects.get(article__title="途中の記事").to_status == S.CONTINUATION
    assert Transition.objects.get(article__title="普通の記事").comment == "Jekyll ファイルから取り込み"


def test_passes_become_segments_and_the_title_line_is_dropped(tmp_path):
    body = (
        "# 金利と成長株\n\n金利が上がると、将来の利益の現在価値は小さく\n---END---\n"
        "…利益の現在価値は小さくなります。成長株が売られやすいのはこのためです。\n---END---\n"
    )
    post(tmp_path, "rates.md", "title: 金利と成長株\ndate: 2024-02-01", body=body)
    assert run(tmp_path)[0]
    article = Article.objects.get()
    assert (
        article.body
        == "金利が上がると、将来の利益の現在価値は小さくなります。成長株が売られやすいのはこのためです。\n"
    )
    assert Segment.objects.filter(article=article).count() == 2
    assert article.status == S.PUBLISHED


def test_directories_are_read_recursively_by_extension(tmp_path):
    (tmp_path / "2024").mkdir()
    post(tmp_path / "2024", "a.markdown", "title: 一つ目\ndate: 2024-01-01")
    post(tmp_path, "b.txt", "title: 二つ目\ndate: 2024-01-01")
    (tmp_path / "notes.json").write_text("{}")
    assert run(tmp_path)[0]
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("yaml.md", b"---\ntitle: [unclosed\n---\n\nbody", "YAML が正しくありません"),
        ("baddate.md", "---\ntitle: 日付\ndate: 2024-13-40\n---\n\n本文。".encode(), "存在しない日時です"),
        (
            "badformat.md",
            "---\ntitle: 日付\ndate: 来週\n---\n\n本文。".encode(),
            "date の形式が正しくありません",
        ),
        (
            "badzone.md",
            "---\ntitle: 日付\ndate: 2024-01-01 10:00 +2500\n---\n\n本文。".encode(),
            "タイムゾーン",
        ),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "バイナリファイル"),
        ("latin1.md", "---\ntitle: café\n---\n\nnaïve".encode("latin-1"), "UTF-8 のテキストではありません"),
        ("list.md", b"---\n- a\n- b\n---\n\nbody", "front matter"),
    ],
)
def test_bad_files_are_reported_and_others_still_import(tmp_path, name, content, reason):
    post(tmp_path, name, "", raw=content)
    post(tmp_path, "good.md", "title: 正常な記事\ndate: 2024-01-01")
    ok, out, err = run(tmp_path)
    assert not ok
    assert f"{tmp_path / name}: " in err and reason in err
    assert "失敗 1 件" in err
    assert list(Article.objects.values_list("title", flat=True)) == ["正常な記事"]


def test_oversized_file_is_refused(tmp_path, settings):
    settings.JEKYLL_MAX_FILE_BYTES = 100
    post(tmp_path, "big.md", "title: 大きい記事", body="あ" * 200)
    ok, _, err = run(tmp_path)
    assert not ok and "ファイルが大きすぎます" in err
    assert not Article.objects.exists()


def test_a_failing_file_leaves_nothing_behind(tmp_path):
    post(tmp_path, "long.md", "title: " + "長" * 201)
    assert not run(tmp_path)[0]
    assert not Article.objects.exists() and not Author.objects.exists() and not Category.objects.exists()


def test_dry_run_saves_nothing(tmp_path):
    post(tmp_path, "a.md", "title: 試しの記事\ndate: 2024-01-01\ncategories: 投資分析")
    ok, out, _ = run(tmp_path, "--dry-run")
    assert ok and "試行のみ" in out
    assert not Article.objects.exists() and not Category.objects.exists()


def test_reimport_updates_instead_of_duplicating(tmp_path):
    path = post(tmp_path, "a.md", "title: 最初の題\ndate: 2024-01-01")
    assert run(path)[0]
    post(tmp_path, "a.md", "title: 直した題\ndate: 2024-01-01", body=BODY.replace("大きく", "小さく"))
    ok, out, _ = run(path)
    assert ok and "更新 1 件" in out
    article = Article.objects.get()
    assert article.title == "直した題"
    assert "小さく動きました" in article.body


def test_import_export_import_gives_the_same_articles(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    post(
        source,
        "a.md",
        "title: 往復の記事\ndate: 2024-03-01 10:00:00 +0900\ncategories: [投資分析]\ntags: [AI, 半導体]\n"
        "author: [佐伯 遥, ALLFORCES編集部]\nexcerpt: 往復の確認です。",
        body="一つ目の段落は途中で\n---END---\n段落は途中で終わらずに続きます。",
    )
    post(source, "b.md", "title: 下書き\ndate: 2024-03-02\npublished: false")
    assert run(source)[0]

    def snapshot():
        return sorted(
            (
                a.title,
                a.body,
                a.excerpt,
                a.status,
                a.published_at,
                a.reading_time,
                tuple(x.name for x in a.ordered_authors),
                tuple(sorted(c.name for c in a.categories.all())),
                tuple(sorted(a.tags.names())),
            )
            for a in Article.objects.all()
        )

    before = snapshot()
    out = tmp_path / "out"
    call_command("export_jekyll", str(out), stdout=StringIO())
    exported = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert exported == ["_posts/2024-03-01-往復の記事.md", "_posts/2024-03-02-下書き.md"]
    text = (out / "_posts" / "2024-03-01-往復の記事.md").read_text()
    assert "---END---" not in text
    assert "date: 2024-03-01 10:00:00 +0900" in text
    assert "reading_time: 1" in text

    # Into the same database: the same articles, no duplicates, segments kept.
    assert run(out)[0]
    assert snapshot() == before
    assert Segment.objects.filter(article__title="往復の記事").count() == 2

    # Into an empty one: the same articles again.
    Article.objects.all().delete()
    assert run(out)[0]
    assert snapshot() == before


def test_export_filters_by_status(tmp_path):
    post(tmp_path, "a.md", "title: 公開\ndate: 2024-01-01")
    post(tmp_path, "b.md", "title: 下書き\ndate: 2024-01-01\npublished: false")
    assert run(tmp_path)[0]
    out = tmp_path / "out"
    call_command("export_jekyll", str(out), "--status", "draft", stdout=StringIO())
    assert [p.name for p in out.rglob("*.md")] == ["2024-01-01-下書き.md"]


def test_a_republished_article_is_exported_under_its_first_date(tmp_path, editor):
    """Jekyll makes the address from the date: the archive keeps its addresses after a re-publication."""
    from editorial import workflow

    front = "title: 再公開の記事\ndate: 2024-01-05 09:00:00 +0900\nexcerpt: 要点。\ncategories: 投資分析\ntags: AI"
    assert run(post(tmp_path, "2024-01-05-again.md", front))[0]
    article = Article.objects.get()
    workflow.archive(article, by=editor)
    workflow.reopen(article, by=editor)
    workflow.approve(article, by=editor)
    article.refresh_from_db()
    assert article.published_at > timezone.now() - timedelta(minutes=1)  # live again, from now
    out = tmp_path / "out"
    call_command("export_jekyll", str(out), stdout=StringIO())
    [exported] = out.rglob("*.md")
    assert exported.name == "2024-01-05-again.md"
    assert "date: 2024-01-05 09:00:00 +0900" in exported.read_text(encoding="utf-8")


def test_reimport_keeps_the_stage_editors_gave_the_article(tmp_path, editor):
    from editorial import workflow

    front = "title: 取り込んだ記事\ndate: 2024-01-01\nexcerpt: 要点。\ncategories: 投資分析"
    path = post(tmp_path, "a.md", front + "\npublished: false")
    assert run(path)[0]
    article = Article.objects.get()
    article.tags.set(["AI"])
    workflow.submit(article, by=editor)
    post(tmp_path, "a.md", front)  # now says published
    assert run(path)[0]
    article.refresh_from_db()
    assert article.status == S.REVIEW
    assert not Article.objects.published().exists()


def test_unsafe_file_name_slug_is_made_safe(tmp_path):
    post(tmp_path, "2024-01-01-my post.v2.md", "title: 名前の確認")
    assert run(tmp_path)[0]
    article = Article.objects.get()
    assert article.slug == "my-postv2"
    assert article.get_absolute_url() == "/articles/my-postv2/"


def test_same_file_name_in_two_directories_is_two_articles(tmp_path):
    for folder in ("_drafts", "_posts"):
        (tmp_path / folder).mkdir()
        post(tmp_path / folder, "2024-01-01-note.md", f"title: {folder} の記事\ndate: 2024-01-01")
    assert run(tmp_path)[0]
    assert Article.objects.count() == 2


def test_scheduled_status_needs_a_date_and_names_have_a_limit(tmp_path):
    post(tmp_path, "nodate.md", "title: 日付なし")
    ok, _, err = run(tmp_path / "nodate.md", "--status", "scheduled")
    assert not ok and "date が必要です" in err
    post(tmp_path, "longtag.md", "title: 長いタグ\ntags: [" + "あ" * 101 + "]")
    ok, _, err = run(tmp_path / "longtag.md")
    assert not ok and "tags の「" in err and "長すぎます" in err
    assert not Article.objects.exists()


def test_old_jekyll_addresses_redirect_permanently_once_live(tmp_path, client):
    post(
        tmp_path,
        "2024-05-01-chips.md",
        "title: 半導体の記事\ndate: 2024-05-01 09:00 +0900\ncategories: [Investing]",
    )
    post(tmp_path, "own.md", "title: 独自URL\ndate: 2024-05-02\npermalink: /notes/own-url.html")
    post(tmp_path, "2024-05-03-secret.md", "title: 非公開\ndate: 2024-05-03\npublished: false")
    assert run(tmp_path)[0]
    chips = Article.objects.get(title="半導体の記事")
    response = client.get("/investing/2024/05/01/chips.html")
    assert response.status_code == 301 and response["Location"] == chips.get_absolute_url()
    assert (
        client.get("/notes/own-url.html")["Location"]
        == Article.objects.get(title="独自URL").get_absolute_url()
    )
    assert client.get("/2024/05/03/secret.html").status_code == 404  # a draft's old address
    assert client.get("/nothing/here.html").status_code == 404
