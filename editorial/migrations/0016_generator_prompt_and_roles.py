from django.contrib.auth.management import create_permissions
from django.db import migrations

from editorial.generation import prompts, roles


def first_prompt_and_roles(apps, schema_editor):
    PromptTemplate = apps.get_model("editorial", "PromptTemplate")
    if not PromptTemplate.objects.exists():
        PromptTemplate.objects.create(
            version=1,
            system=prompts.DEFAULT_SYSTEM,
            instructions=prompts.DEFAULT_INSTRUCTIONS,
            note="最初の版",
        )
    # Permissions are normally created after all migrations run.
    app_config = apps.get_app_config("editorial")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    roles.grant_generation_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("editorial", "0015_generator")]

    operations = [migrations.RunPython(first_prompt_and_roles, migrations.RunPython.noop)]
