from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from editorial.jekyll.exporter import export_articles


class Command(BaseCommand):
    help = (
        "記事を Jekyll サイトの形で書き出します。取り込んだ記事は元のパスと front matter のまま、"
        "ほかは _posts/YYYY-MM-DD-スラッグ.md に。"
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR", help="書き出し先のディレクトリ")
        parser.add_argument("--status", choices=Article.Status.values, help="このステージの記事だけ書き出す")

    def handle(self, *args, outdir, status, **options):
        articles = Article.objects.for_listing().select_related("imported_source").order_by("pk")
        if status:
            articles = articles.filter(status=status)
        try:
            written = export_articles(articles, Path(outdir))
        except OSError as error:
            raise CommandError(
                f"{outdir} に書き出せません（{error.strerror or error}）。書き込めるディレクトリを指定してください。"
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{len(written)} 件を {outdir} に書き出しました。"))
