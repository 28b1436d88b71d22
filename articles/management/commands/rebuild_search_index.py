from django.core.management.base import BaseCommand

from articles.models import Article


class Command(BaseCommand):
    help = "全記事の検索用テキストと索引を作り直します（検索の仕組みを変えたあとに実行）。"

    def handle(self, *args, **options):
        count = 0
        for article in Article.objects.order_by("pk").iterator(chunk_size=500):
            article.save(update_fields=["body"])
            count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} 件の記事の検索索引を作り直しました。"))
