import re

import django.db.models.deletion
from django.db import migrations, models


def _key(path):
    # legacy_key as it was when this migration was written (the app's may change later).
    key = re.sub("/{2,}", "/", path).rstrip("/")
    for suffix in (".html", ".htm"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    if key.endswith("/index") or key == "index":
        key = key[: -len("index")].rstrip("/")
    return key if key.startswith("/") else f"/{key}"


def copy_permalinks(apps, schema_editor):
    """Each imported article's recorded Jekyll address becomes its first old address."""
    ImportedSource = apps.get_model("editorial", "ImportedSource")
    LegacyURL = apps.get_model("editorial", "LegacyURL")
    taken = set()
    rows = []
    for article_id, permalink in (
        ImportedSource.objects.exclude(permalink="").order_by("pk").values_list("article_id", "permalink")
    ):
        key = _key(permalink)
        # The column was not unique: the first article to claim an address keeps it.
        if key == "/" or key in taken or "\x00" in permalink:
            continue
        taken.add(key)
        rows.append(LegacyURL(article_id=article_id, path=permalink, key=key))
    LegacyURL.objects.bulk_create(rows)


def copy_back(apps, schema_editor):
    ImportedSource = apps.get_model("editorial", "ImportedSource")
    LegacyURL = apps.get_model("editorial", "LegacyURL")
    for row in LegacyURL.objects.order_by("-pk"):
        ImportedSource.objects.filter(article_id=row.article_id).update(permalink=row.path)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_stored_furniture'),
        ('editorial', '0005_imported_permalink'),
    ]

    operations = [
        migrations.CreateModel(
            name='LegacyURL',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(help_text='旧サイトが配信していたままのパス（大文字と小文字も区別します）。記事が公開中なら、ここへのアクセスは記事のURLへ恒久的に転送されます。', max_length=500, verbose_name='旧URL')),
                ('key', models.CharField(help_text='末尾のスラッシュ、.html と /index を除いた形。同じ形の旧URLは1つの記事にしか転送できません。', max_length=500, unique=True, verbose_name='照合用の形')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='legacy_urls', to='articles.article', verbose_name='記事')),
            ],
            options={
                'verbose_name': '旧URL',
                'verbose_name_plural': '旧URL',
                'ordering': ['path'],
            },
        ),
        migrations.RunPython(copy_permalinks, copy_back),
    ]
