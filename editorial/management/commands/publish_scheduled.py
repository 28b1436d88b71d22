from django.core.management.base import BaseCommand
from django.utils import timezone

from editorial import pending_review, scheduling


class Command(BaseCommand):
    help = (
        "公開予定日時を過ぎた「公開予約」の記事と、公開予約した公開中の記事の変更を公開します"
        "（Celery の定期処理と同じ処理）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="公開される記事を表示するだけで、何も変更しない"
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:
            due = list(scheduling.due_articles())
            for article in due:
                when = timezone.localtime(article.publish_at)
                self.stdout.write(f"{article.pk}\t{when:%Y-%m-%d %H:%M:%S}\t{article.title}")
            self.stdout.write(f"［試行のみ］公開予定日時を過ぎた記事: {len(due)} 件")
            updates = list(pending_review.due_updates().select_related("pending_version"))
            for article in updates:
                when = timezone.localtime(article.pending_version.publish_at)
                self.stdout.write(
                    f"{article.pk}\t{when:%Y-%m-%d %H:%M:%S}\t{article.title}（公開中の記事の変更）"
                )
            self.stdout.write(f"［試行のみ］公開予定日時を過ぎた公開中の記事の変更: {len(updates)} 件")
            return
        published = scheduling.publish_due()
        self.stdout.write(self.style.SUCCESS(f"{published} 件を公開しました。"))
