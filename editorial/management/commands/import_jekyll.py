import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.models import Article
from editorial.jekyll.importer import Outcome, import_files
from editorial.jekyll.site import SiteError, collect


class Command(BaseCommand):
    help = (
        "Jekyll サイト（_config.yml のあるフォルダ）や記事ファイル（front matter 付き Markdown）を取り込みます。"
        "サイトなら _posts と _drafts の投稿を、Jekyll と同じ規則で読みます。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="サイトのフォルダ、フォルダ、またはファイル"
        )
        parser.add_argument("--status", choices=Article.Status.values, help="ステージを指定して取り込む")
        parser.add_argument(
            "--dry-run", action="store_true", help="本番と同じ処理をして結果を報告し、何も保存しない"
        )

    def handle(self, *args, paths, status, dry_run, **options):
        try:
            sources = collect([Path(path) for path in paths])
        except SiteError as error:
            raise CommandError(str(error)) from None
        bar = tqdm(
            total=len(sources),
            unit="件",
            file=sys.stderr,
            disable=len(sources) < 20 or not sys.stderr.isatty(),
        )
        report = import_files(sources, status=status, dry_run=dry_run, progress=lambda result: bar.update())
        bar.close()
        verbose = options["verbosity"] > 1
        for result in report.results:
            if result.outcome in (Outcome.FAILED, Outcome.SKIPPED):
                label = "" if result.outcome == Outcome.FAILED else "（スキップ）"
                self.stderr.write(f"{result.source.path}: {label}{result.reason}")
            for note in result.notes:
                self.stdout.write(f"{result.source.path}: 注意: {note}")
            if verbose and result.article is not None:
                stage = Article.Status(result.stage).label if result.stage else ""
                self.stdout.write(f"{result.source.path}: {result.article.title}（{stage}）")
        summary = report.summary()
        if report.counts[Outcome.FAILED]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
