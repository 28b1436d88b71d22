import signal
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editorial.demo import logins

# How long `make run` waits for the web server before showing the logins anyway.
WAIT_SECONDS = 120


class Command(BaseCommand):
    help = "クイックスタートの管理画面の URL とログイン（編集者とライター）を表示します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--after-server",
            action="store_true",
            help="SITE_URL のサーバーが応答してから表示し、そのまま止められるまで待ちます（make run の Procfile 用）。",
        )

    def handle(self, *args, after_server=False, **options):
        if after_server:
            self._wait_for_server()
        lines = logins.login_block()
        if lines is None:
            raise CommandError("ローカル用のログインがまだありません。先に make run を実行してください。")
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
        if after_server:
            # honcho stops every process when one exits: stay until it stops us.
            for stop in (signal.SIGTERM, signal.SIGINT):
                signal.signal(stop, lambda *_: sys.exit(0))
            while True:
                signal.pause()

    def _wait_for_server(self):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(settings.SITE_URL, timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answered, if not with 200
            except OSError:
                time.sleep(0.5)
        self.stderr.write(f"{settings.SITE_URL} が {WAIT_SECONDS} 秒たっても応答しません。")
