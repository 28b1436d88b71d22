from django.core.management.base import BaseCommand
from django.utils import timezone

from allforces.frontend_cache import purging


class Command(BaseCommand):
    help = "止まっているフロントエンドキャッシュのパージを再送します（Celery の定期処理と同じ処理）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="再送するパージを表示するだけで、何も送らない"
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:
            stale = list(purging.stale_batches())
            for batch in stale:
                when = timezone.localtime(batch.created_at)
                self.stdout.write(
                    f"{batch.pk}\t{when:%Y-%m-%d %H:%M:%S}\t試行 {batch.attempts} 回\t{' '.join(batch.keys)}"
                )
            self.stdout.write(f"［試行のみ］再送するパージ: {len(stale)} 件")
            return
        sent = purging.requeue_stale()
        self.stdout.write(self.style.SUCCESS(f"{sent} 件のパージを再送しました。"))
