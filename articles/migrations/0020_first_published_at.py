from django.db import migrations, models


def date_first_publications(apps, schema_editor):
    # Until now re-publishing kept the first published_at, so it is the first publication of
    # every article ever published: live, archived, or reopened from the archive into review.
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(published_at__isnull=False).update(first_published_at=models.F("published_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_previous_next_read_live"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="読者に公開された日時。アーカイブした記事を公開し直すと、その時刻に変わります。",
                null=True,
                verbose_name="公開日時",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="first_published_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="最初に公開された日時。公開し直しても変わりません。"
                "公開日時と 1 日以上離れていれば、記事ページに「初出」として出ます。",
                null=True,
                verbose_name="初出日時",
            ),
        ),
        migrations.RunPython(date_first_publications, migrations.RunPython.noop),
    ]
