from django.db import migrations, models


class Migration(migrations.Migration):
    # Previous and next are read live now; only the related ranking is stored. Its new
    # columns start empty: each article ranks again on its next view.

    dependencies = [
        ("articles", "0018_card_shows"),
    ]

    operations = [
        migrations.RemoveField(model_name="article", name="neighbours"),
        migrations.RemoveField(model_name="article", name="neighbours_from"),
        migrations.RemoveField(model_name="article", name="neighbours_at"),
        migrations.AddField(
            model_name="article",
            name="related_ids",
            field=models.JSONField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="related_from",
            field=models.CharField(blank=True, db_default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="article",
            name="related_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
    ]
