"""Jekyll import of files that are not what they claim: one Japanese line per
bad file naming it and the reason, the good files imported, nothing half-written.

Cases already covered in tests/editorial/jekyll/test_import_export.py (invalid
YAML, a YAML list, a missing title, 2024-13-40, +2500, a PNG header, Latin-1,
no front matter, an oversized file) are not repeated here.
"""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import override_settings

from articles.models import Article, Author, Category
from editorial.models import ImportedSource, Revision, Segment, Transition

pytestmark = pytest.mark.django_db

GOOD = "---\ntitle: 正常な記事\ndate: 2024-01-01\nauthor: 山田 太郎\ncategories: [市場]\n---\n\n本文です。\n"
FRONT = "---\ntitle: 日本語の記事\ncategories: [投資]\nauthor: 佐藤 花子\n---\n\n株式市場は先週、大きく動きました。\n"


def run(directory):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_jekyll", str(directory), stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue(), str(error)
    return True, err.getvalue(), out.getvalue()


def import_with_one_good_file(tmp_path, name, content: bytes):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    return run(tmp_path)


def assert_only_the_good_file_was_imported():
    assert list(Article.objects.values_list("title", flat=True)) == ["正常な記事"]
    assert list(Author.objects.values_list("name", flat=True)) == ["山田 太郎"]
    assert list(Category.objects.values_list("name", flat=True)) == ["市場"]
    good = Article.objects.get()
    for model in (Segment, Revision, ImportedSource, Transition):
        assert not model.objects.exclude(article=good).exists(), model.__name__


def the_line_for(err, path):
    lines = [line for line in err.splitlines() if line.startswith(f"{path}: ")]
    assert len(lines) == 1, err
    return lines[0].removeprefix(f"{path}: ")


@pytest.mark.parametrize(
    "name, content, reason",
    [
        (
            "sjis.md",
            FRONT.encode("shift_jis"),
            "UTF-8 のテキストではありません（2 行目、12 バイト目）。Shift_JIS などで保存されたファイルは、UTF-8 に変換してから取り込んでください。",
        ),
        ("eucjp.md", FRONT.encode("euc_jp"), "UTF-8 のテキストではありません"),
        ("cp932.md", FRONT.encode("cp932"), "UTF-8 のテキストではありません"),
        (
            "utf16le.md",
            FRONT.encode("utf-16"),
            "UTF-16 で保存されています。UTF-8 で保存し直してから取り込んでください。",
        ),
        ("utf16be.md", b"\xfe\xff" + FRONT.encode("utf-16-be"), "UTF-16 で保存されています。"),
        ("utf16-nobom.md", FRONT.encode("utf-16-le"), "バイナリファイルです"),
        ("random.md", b"\x8f\xa1" + os.urandom(4096), "テキストではありません"),
        (
            "nul.md",
            b"---\ntitle: x\x00\n---\n\nbody",
            "バイナリファイルです（テキストではありません）。Markdown のテキストファイルを指定してください。",
        ),
        ("image.md", bytes.fromhex("ffd8ffe000104a464946000101") + os.urandom(100), "テキストではありません"),
        ("empty.md", b"", "ファイルが空です。front matter と本文を書いてから取り込んでください。"),
        ("blank.md", b" \n\n\t\n", "ファイルが空です。"),
        (
            "bom-only.md",
            b"\xef\xbb\xbf",
            "ファイルが空です。front matter と本文を書いてから取り込んでください。",
        ),
        (
            "scalar.md",
            b"---\njust a sentence\n---\n\nbody",
            "front matter が「項目: 値」の形ではありません。",
        ),
        ("number.md", b"---\n42\n---\n\nbody", "front matter が「項目: 値」の形ではありません。"),
        (
            "pytag.md",
            b"---\ntitle: !!python/object/apply:os.system ['true']\n---\n\nbody",
            "front matter の YAML が正しくありません（front matter の 1 行目）。",
        ),
        (
            "tabs.md",
            b"---\ntitle: x\n\tdate: 2024-01-01\n---\n\nbody",
            "front matter の YAML が正しくありません",
        ),
        (
            "unclosed.md",
            b"---\ntitle: x\n\nbody without a closing line",
            "front matter を閉じる行（--- または ...）がありません。",
        ),
        (
            "feb30.md",
            "---\ntitle: 日付\ndate: 2026-02-30\n---\n\n本文。".encode(),
            "date が存在しない日時です: '2026-02-30'",
        ),
        (
            "hour25.md",
            "---\ntitle: 日付\ndate: 2026-01-01 25:00\n---\n\n本文。".encode(),
            "date が存在しない日時です",
        ),
        (
            "zone-name.md",
            "---\ntitle: 日付\ndate: 2026-01-01 10:00 Asia/Nowhere\n---\n\n本文。".encode(),
            "date の形式が正しくありません: '2026-01-01 10:00 Asia/Nowhere'（例: 2025-10-20 16:41:25 +0900）",
        ),
        (
            "zone-minutes.md",
            "---\ntitle: 日付\ndate: 2026-01-01 10:00 +0975\n---\n\n本文。".encode(),
            "date のタイムゾーンが正しくありません: +0975",
        ),
        (
            "year-one.md",
            "---\ntitle: 日付\ndate: 0001-01-01 00:00\n---\n\n本文。".encode(),
            "date が存在しない日時です: '0001-01-01 00:00'",
        ),
        (
            "year-zero.md",
            "---\ntitle: 日付\ndate: 0000-01-01\n---\n\n本文。".encode(),
            "date が存在しない日時です",
        ),
        (
            "date-list.md",
            "---\ntitle: 日付\ndate: [2024, 1, 1]\n---\n\n本文。".encode(),
            "date の形式が正しくありません",
        ),
    ],
)
def test_a_bad_file_gets_one_japanese_line_and_the_others_still_import(tmp_path, name, content, reason):
    ok, err, summary = import_with_one_good_file(tmp_path, name, content)
    assert not ok
    assert reason in the_line_for(err, tmp_path / name)
    assert "失敗 1 件" in summary and "新規 1 件" in summary
    assert_only_the_good_file_was_imported()


@pytest.mark.parametrize(
    "name, content, reason",
    [
        (
            "raw-esc-body.md",
            "---\ntitle: 本文に制御文字\n---\n\n一行目\n二行目\x1b です。\n".encode(),
            "6 行目に使えない制御文字（U+001B）があります。その文字を取り除いてから取り込んでください。",
        ),
        (
            "raw-vt-title.md",
            "---\ntitle: bad\x0btitle\n---\n\n本文。".encode(),
            "2 行目に使えない制御文字（U+000B）",
        ),
        (
            "raw-c1-body.md",
            "---\ntitle: C1\n---\n\n本文\x9bです。".encode(),
            "5 行目に使えない制御文字（U+009B）",
        ),
        (
            "escaped-title.md",
            b'---\ntitle: "bad\\etitle"\n---\n\nbody',
            "front matter の title: 使えない制御文字（U+001B）が 4 文字目にあります。",
        ),
        (
            "header-title.md",
            b'---\ntitle: "title\\nBcc: x@example.com"\n---\n\nbody',
            "title の「titleBcc: x@example.」: 改行やタブは使えません（6 文字目）。1 行で書いてください。",
        ),
        ("tab-title.md", b'---\ntitle: "a\\tb"\n---\n\nbody', "title の「ab」: 改行やタブは使えません"),
        (
            "escaped-tag.md",
            b'---\ntitle: t\ntags: ["ok", "bad\\vtag"]\n---\n\nbody',
            "front matter の tags: 使えない制御文字（U+000B）",
        ),
        (
            "newline-tag.md",
            b'---\ntitle: t\ntags: ["bad\\ntag"]\n---\n\nbody',
            "tags の「badtag」: 改行やタブは使えません",
        ),
        (
            "nel-author.md",
            b'---\ntitle: t\nauthor: "a\\Nb"\n---\n\nbody',
            "front matter の author: 使えない制御文字（U+0085）",
        ),
        (
            "newline-category.md",
            b'---\ntitle: t\ncategory: "a\\nb"\n---\n\nbody',
            "categories の「ab」: 改行やタブは使えません",
        ),
        (
            "escaped-excerpt.md",
            b'---\ntitle: t\nexcerpt: "a\\ab"\n---\n\nbody',
            "front matter の excerpt: 使えない制御文字（U+0007）",
        ),
        (
            "nul-other-key.md",
            b'---\ntitle: t\nextra: {note: "a\\0b"}\n---\n\nbody',
            "front matter の extra.note: 使えない制御文字（U+0000）",
        ),
        (
            "escaped-slug.md",
            b'---\ntitle: t\nslug: "a\\nb"\n---\n\nbody',
            "slug の「ab」: 改行やタブは使えません",
        ),
    ],
)
def test_a_file_with_a_control_character_is_refused_and_the_others_still_import(
    tmp_path, name, content, reason
):
    ok, err, summary = import_with_one_good_file(tmp_path, name, content)
    assert not ok
    line = the_line_for(err, tmp_path / name)
    assert reason in line
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", line)
    assert "失敗 1 件" in summary and "新規 1 件" in summary
    assert_only_the_good_file_was_imported()


def test_tabs_and_line_breaks_are_kept_in_the_body_and_excerpt(tmp_path):
    (tmp_path / "tabs.md").write_text(
        "---\ntitle: タブ\nexcerpt: |\n  一行目\n  二行目\n---\n\n```\n\tcode\n```\n", encoding="utf-8"
    )
    ok, err, _ = run(tmp_path)
    assert ok, err
    article = Article.objects.get()
    assert "\tcode" in article.body and article.excerpt.strip() == "一行目\n二行目"


def test_utf8_with_a_bom_imports_normally(tmp_path):
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + FRONT.encode())
    ok, err, _ = run(tmp_path)
    assert ok, err
    article = Article.objects.get()
    assert (article.title, article.body.strip()) == ("日本語の記事", "株式市場は先週、大きく動きました。")


def test_crlf_and_cr_line_endings_import_normally(tmp_path):
    (tmp_path / "crlf.md").write_bytes(FRONT.replace("\n", "\r\n").encode())
    (tmp_path / "cr.md").write_bytes(
        FRONT.replace("日本語の記事", "古いMacの記事").replace("\n", "\r").encode()
    )
    assert run(tmp_path)[0]
    assert sorted(Article.objects.values_list("title", flat=True)) == ["古いMacの記事", "日本語の記事"]


@override_settings(ARTICLE_BODY_MAX_CHARS=1000)
def test_a_body_over_the_article_limit_is_refused_before_anything_is_written(tmp_path):
    body = "長い本文です。" * 200  # 1,400 characters, well under the file size limit
    ok, err, _ = import_with_one_good_file(
        tmp_path, "long.md", f"---\ntitle: 長い記事\nauthor: 新しい著者\n---\n\n{body}\n".encode()
    )
    assert not ok
    assert the_line_for(err, tmp_path / "long.md") == (
        "本文が長すぎます（1,400 文字、上限 1,000 文字）。記事を分けるなどして、上限以内に収めてください。"
    )
    assert_only_the_good_file_was_imported()


@override_settings(ARTICLE_BODY_MAX_CHARS=1000)
def test_passes_that_fit_alone_but_not_together_are_refused(tmp_path):
    # Three passes with no overlap: the body is all of them, end to end.
    passes = "\n---END---\n".join(character * 400 for character in "あいう")
    ok, err, _ = import_with_one_good_file(
        tmp_path, "passes.md", f"---\ntitle: 三部作\n---\n\n{passes}\n".encode()
    )
    assert not ok and "本文が長すぎます" in the_line_for(err, tmp_path / "passes.md")
    assert_only_the_good_file_was_imported()


def test_a_bad_file_on_reimport_leaves_the_article_as_it_was(tmp_path):
    path = tmp_path / "2024-01-01-stable.md"
    path.write_text(GOOD.replace("正常な記事", "最初の版"), encoding="utf-8")
    assert run(tmp_path)[0]
    article = Article.objects.get()
    version, body = article.version, article.body
    path.write_bytes("---\ntitle: 壊れた版\n---\n\n本文".encode("shift_jis"))
    ok, err, _ = run(tmp_path)
    assert not ok and "UTF-8 のテキストではありません" in the_line_for(err, path)
    article.refresh_from_db()
    assert (article.title, article.version, article.body) == ("最初の版", version, body)


def run_manage(tmp_path):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "SECRET_KEY": "test-only-not-secret",
        "PYTHONIOENCODING": "utf-8",
    }
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "import_jekyll", str(tmp_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    return result


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_with_status_1_and_japanese_lines_on_stderr(tmp_path):
    (tmp_path / "sjis.md").write_bytes(FRONT.encode("shift_jis"))
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    result = run_manage(tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"{tmp_path / 'sjis.md'}: UTF-8 のテキストではありません" in result.stderr
    assert (
        "読み込んだファイル 2 件: 新規 1 件、更新 0 件、変更なし 0 件、スキップ 0 件、失敗 1 件"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert list(Article.objects.values_list("title", flat=True)) == ["正常な記事"]


@pytest.mark.django_db(transaction=True)
def test_a_file_name_that_is_not_utf8_is_reported_without_a_traceback(tmp_path):
    # A Shift_JIS file name from an old archive: the report must still be written.
    name = os.fsdecode("記事.md".encode("shift_jis"))
    (tmp_path / name).write_bytes(b"\x00binary")
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    result = run_manage(tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "バイナリファイルです" in result.stderr
    assert list(Article.objects.values_list("title", flat=True)) == ["正常な記事"]


def test_a_file_with_a_very_long_path_imports_with_its_note_shortened(tmp_path):
    deep = tmp_path
    for number in range(6):  # about 300 characters below the directory imported
        deep = deep / (f"とても長いディレクトリ名{number}" * 4)
    deep.mkdir(parents=True)
    (deep / "good.md").write_text(GOOD, encoding="utf-8")
    ok, err, _ = run(tmp_path)
    assert ok, err
    revision = Revision.objects.get(note__startswith="Jekyll")
    assert revision.note.startswith("Jekyll ファイル とても長いディレクトリ名") and len(revision.note) == 200


def test_export_to_a_path_that_is_a_file_says_so_in_japanese(tmp_path, published_article):
    target = tmp_path / "not-a-directory"
    target.write_text("x")
    with pytest.raises(CommandError) as refused:
        call_command("export_jekyll", str(target), stdout=StringIO())
    assert str(refused.value).startswith(f"{target} に書き出せません（")
    assert str(refused.value).endswith("書き込めるディレクトリを指定してください。")
