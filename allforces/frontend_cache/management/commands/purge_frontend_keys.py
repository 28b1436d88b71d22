from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from allforces.frontend_cache import purging
from allforces.frontend_cache.keys import clean_keys
from allforces.frontend_cache.models import PendingPurge
from allforces.frontend_cache.purgers import PurgeError


class Command(BaseCommand):
    help = "指定したキーのページをフロントエンドキャッシュ（Varnish、CDN）から消します。"

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="+", help="サロゲートキー（例: article-12 home feeds）")
        parser.add_argument(
            "--now", action="store_true", help="Celery に頼まず、このプロセスでいますぐパージする"
        )

    def handle(self, *args, keys, now, **options):
        if not settings.FRONTEND_CACHE_PURGERS:
            raise CommandError("FRONTEND_CACHE_PURGERS が空なので、パージするキャッシュがありません。")
        try:
            keys = clean_keys(keys)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not now:
            batch_id = purging.purge_after_commit(keys)
            self.stdout.write(self.style.SUCCESS(f"パージを依頼しました（{batch_id} 番）。"))
            return
        batch = PendingPurge.objects.create(keys=keys)
        try:
            purging.purge_batch(batch.pk)
        except PurgeError as error:
            raise CommandError(
                f"パージできませんでした（{batch.pk} 番、定期処理が再送します）: {error}"
            ) from error
        self.stdout.write(self.style.SUCCESS("パージしました。"))
