from django.contrib.auth.management import create_permissions
from django.db import migrations

from media_library import roles


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations run; the groups need them now.
    app_config = apps.get_app_config("media_library")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    roles.grant_library_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("media_library", "0001_initial"),
        # The groups are made there; made here too if missing, with only the library's rights.
        ("editorial", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
