import re
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef

from articles.models import Article
from editorial.legacy_urls import nginx_map
from editorial.models import LegacyURL

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _printable(path: str) -> str:
    # A tab or a line break inside a path would break the columns.
    return _CONTROL.sub(lambda match: quote(match.group()), path)


def _state(row) -> str:
    if row.live:
        return "公開中"
    if row.article.status == Article.Status.PUBLISHED:
        return "未公開（公開日時前）"  # published, with its time still ahead
    return f"未公開（{row.article.get_status_display()}）"


class Command(BaseCommand):
    help = (
        "Jekyll 時代の旧URLと、転送先の記事のURLをタブ区切りで一覧します"
        "（公開中の記事のみ）。--nginx で nginx の map ファイルを書き出します。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="include_unpublished",
            help="公開中でない記事の旧URLも、3列目に状態を付けて一覧する",
        )
        parser.add_argument(
            "--nginx",
            action="store_true",
            help="nginx の map ファイル（map $uri $allforces_redirect）を書き出す",
        )
        parser.add_argument(
            "--absolute",
            action="store_true",
            help=f"転送先を SITE_URL（{settings.SITE_URL}）から始まる絶対URLにする",
        )

    def handle(self, *args, include_unpublished, nginx, absolute, **options):
        if nginx and include_unpublished:
            raise CommandError(
                "--nginx と --all は同時に指定できません。nginx の map には公開中の記事への転送だけを書き出します。"
            )
        base = settings.SITE_URL.rstrip("/") if absolute else ""
        rows = (
            LegacyURL.objects.select_related("article")
            .annotate(live=Exists(Article.objects.published().filter(pk=OuterRef("article_id"))))
            .order_by("path")
        )
        if not include_unpublished:
            rows = rows.filter(live=True)
        if nginx:
            self.stdout.write(
                nginx_map([(row.path, base + row.article.get_absolute_url()) for row in rows]), ending=""
            )
            return
        for row in rows:
            columns = [_printable(row.path), base + row.article.get_absolute_url()]
            if include_unpublished:
                columns.append(_state(row))
            self.stdout.write("\t".join(columns))
