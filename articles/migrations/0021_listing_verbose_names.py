# Japanese names for the listing copies, so their permissions read in Japanese too.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_first_published_at"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="categorylisting",
            options={"verbose_name": "カテゴリー別一覧の掲載", "verbose_name_plural": "カテゴリー別一覧の掲載"},
        ),
        migrations.AlterModelOptions(
            name="taglisting",
            options={"verbose_name": "タグ別一覧の掲載", "verbose_name_plural": "タグ別一覧の掲載"},
        ),
    ]
