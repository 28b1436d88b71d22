from django.core.management.base import BaseCommand

from articles.images import needs_renditions, store_cover_renditions
from articles.models import Article


class Command(BaseCommand):
    help = (
        "表紙画像の各サイズ（480・960・1600 px）をまだ作っていない記事について作ります"
        "（この版へ更新した直後、またはメディアを復元したあとに実行。2 回実行しても同じ結果）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="作らずに、対象の記事数だけ表示します。")
        parser.add_argument("--again", action="store_true", help="作成済み・失敗済みの記事も作り直します。")

    def handle(self, *args, dry_run, again, **options):
        covered = Article.objects.exclude(cover="").only("pk", "cover", "cover_renditions").order_by("pk")
        pending = [
            article for article in covered.iterator(chunk_size=500) if again or needs_renditions(article)
        ]
        if dry_run:
            self.stdout.write(
                f"{len(pending)} 件の記事の表紙画像を作ります（--dry-run のため何もしていません）。"
            )
            return
        failed = 0
        for article in pending:
            store_cover_renditions(article)
            failed += "failed" in (Article.objects.get(pk=article.pk).cover_renditions or {})
        self.stdout.write(
            self.style.SUCCESS(f"{len(pending)} 件の記事の表紙画像を作りました（失敗 {failed} 件）。")
        )
        if failed:
            self.stderr.write(
                "失敗した記事は表紙画像なしで表示されます。ログの cover renditions failed を確認してください。"
            )
