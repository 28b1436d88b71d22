from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0009_notification_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("submitted", "レビュー依頼"),
                    ("changes_requested", "差し戻し"),
                    ("approved", "承認（公開予約）"),
                    ("published", "公開"),
                ],
                max_length=30,
                verbose_name="種類",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="email_status",
            field=models.CharField(
                choices=[
                    ("pending", "送信待ち"),
                    ("sent", "送信済み"),
                    ("failed", "送信できず"),
                    ("none", "送らない（宛先なし）"),
                    ("in_app", "送らない（画面の通知のみ）"),
                ],
                default="pending",
                max_length=10,
                verbose_name="メール",
            ),
        ),
    ]
