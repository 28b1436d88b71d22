import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from articles.models import Article
from editorial.jekyll.importer import import_post
from editorial.jekyll.posts import PostError, read_post

SUFFIXES = {".md", ".markdown", ".txt"}


class DryRun(Exception):
    """Raised inside the transaction to undo a dry run's work."""


def collect(paths):
    """(file, key) pairs: the key is the file's path below the directory named,
    so drafts/x.md and posts/x.md stay two articles."""
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            files += [(file, file.relative_to(path).as_posix()) for file in found]
        elif path.is_file():
            files.append((path, path.name))
        else:
            raise CommandError(f"{path}: ファイルもディレクトリも見つかりません。")
    return files


class Command(BaseCommand):
    help = "Jekyll 形式の記事ファイル（front matter 付き Markdown）を取り込みます。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="ファイルまたはディレクトリ")
        parser.add_argument("--status", choices=Article.Status.values, help="ステージを指定して取り込む")
        parser.add_argument("--dry-run", action="store_true", help="検査だけして何も保存しない")

    def handle(self, *args, paths, status, dry_run, **options):
        files = collect(paths)
        counts = {"created": 0, "updated": 0, "failed": 0}
        progress = tqdm(files, unit="件", file=sys.stderr, disable=len(files) < 20 or not sys.stderr.isatty())
        for path, key in progress:
            try:
                post = read_post(path, source_key=key)
                with transaction.atomic():
                    result = import_post(post, status=status)
                    if dry_run:
                        raise DryRun
            except DryRun:
                pass
            except PostError as error:
                counts["failed"] += 1
                progress.write(f"{path}: {error}", file=self.stderr._out)
                continue
            except Exception as error:  # one broken file must not stop the others
                counts["failed"] += 1
                progress.write(
                    f"{path}: 取り込めませんでした（{type(error).__name__}: {error}）", file=self.stderr._out
                )
                continue
            counts["created" if result.created else "updated"] += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"{path}: {result.article.title}（{Article.Status(result.stage).label}）")
        prefix = "［試行のみ・保存していません］" if dry_run else ""
        summary = f"{prefix}{len(files)} 件中 新規 {counts['created']} 件、更新 {counts['updated']} 件、失敗 {counts['failed']} 件"
        if counts["failed"]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
