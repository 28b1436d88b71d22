from django.db import migrations


class Migration(migrations.Migration):
    """The old addresses now live in LegacyURL (copied by 0006)."""

    dependencies = [
        ('editorial', '0006_legacy_url'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='importedsource',
            name='permalink',
        ),
    ]
