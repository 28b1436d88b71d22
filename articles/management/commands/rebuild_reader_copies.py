import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.rebuild import KINDS, articles_to_rebuild, rebuild_reader_copies

LABELS = {
    "rendering": "本文の HTML と目次",
    "search": "検索用テキスト・検索索引・読了時間",
    "card": "一覧のカード",
    "furniture": "記事ページの著者・カテゴリー・タグ",
    "category": "カテゴリー別一覧",
    "tag": "タグ別一覧",
    "author": "著者別一覧",
    "newest": "トップページのカテゴリー別最新記事",
    "cover": "表紙画像の各サイズ（未作成。make_cover_renditions で作ります）",
}


class Command(BaseCommand):
    help = (
        "記事の表示用の写し（本文の HTML、検索索引、一覧のカード、記事ページの著者・カテゴリー・タグ、"
        "カテゴリー・タグ・著者別の一覧、トップページの最新記事）を元の行から作り直し、"
        "違っていたものだけを書き換えます。データベースを直接書き換えたとき"
        "（一括の update、バックアップからの復元、手書きの SQL）のあとに実行します。2 回実行しても同じ結果。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="作り直すものを数えて表示するだけで、何も書き換えない"
        )
        parser.add_argument(
            "--article",
            dest="article_ids",
            type=int,
            nargs="+",
            action="extend",
            metavar="ID",
            help="この記事（ID、複数可）だけを作り直す（カテゴリーの最新記事はいつもすべて確かめます）",
        )

    def handle(self, *args, dry_run, article_ids, **options):
        articles = articles_to_rebuild(article_ids)
        total = articles.count()
        if article_ids is not None and (
            missing := set(article_ids) - set(articles.values_list("pk", flat=True))
        ):
            raise CommandError(f"ID {', '.join(map(str, sorted(missing)))} の記事はありません。")
        bar = tqdm(total=total, unit="件", file=sys.stderr, disable=total < 1000 or not sys.stderr.isatty())
        rebuilt = rebuild_reader_copies(article_ids=article_ids, dry_run=dry_run, progress=bar.update)
        bar.close()
        prefix = "［試行のみ］" if dry_run else ""
        self.stdout.write(f"{prefix}記事 {rebuilt.articles:,} 件を調べました。")
        for kind in KINDS:
            unit = "カテゴリー" if kind == "newest" else "件"
            self.stdout.write(f"  {LABELS[kind]}: {rebuilt.changed[kind]:,} {unit}")
        if rebuilt.nothing_to_do:
            self.stdout.write(self.style.SUCCESS("作り直すものはありませんでした。"))
        elif dry_run:
            self.stdout.write("上の数だけ作り直します（--dry-run のため何も書き換えていません）。")
        else:
            self.stdout.write(self.style.SUCCESS("上の数だけ作り直しました。"))
        if not dry_run:
            self.stdout.write("読者向けにキャッシュしたページは、次の表示で作り直されます。")
