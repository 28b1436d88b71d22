from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editorial.demo import build


class Command(BaseCommand):
    help = (
        "クイックスタート専用: 足りないデモ記事とローカル用のログイン（編集者とライター）を作ります。"
        "何度実行しても同じものを二度作りません。"
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("bootstrap_local はローカル開発専用です（DEBUG=1 のときだけ使えます）。")
        if not build.only_demo_articles():
            build.logins.ensure_users()
            self.stdout.write("デモ以外の記事があるため、デモ記事は作成しません。")
        elif made := build.build():
            self.stdout.write(self.style.SUCCESS(f"デモ記事を {len(made)} 件作成しました。"))
        else:
            self.stdout.write("デモ記事はそろっています。")
        self.stdout.write("ログイン情報はサーバーの起動後に表示します（make login でいつでも表示できます）。")
