"""Permission names in Japanese, as editors read them where groups and users are given rights.

Django names the permissions it makes for every model in English, from the
model's untranslated name ("Can add 記事"), each time ``migrate`` runs. This
renames them right after it, on every ``migrate``, so permissions of new
models and rows made before this existed are renamed alike. Permissions a
model declares itself keep the names they were given.
"""

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation

VERBS = {"add": "追加", "change": "変更", "delete": "削除", "view": "閲覧"}


def japanese_name(action: str, opts) -> str:
    """「記事を追加できる」 for the ``add`` permission of the article model."""
    return f"{opts.verbose_name}を{VERBS[action]}できる"


def name_default_permissions(app_config, using=DEFAULT_DB_ALIAS, **kwargs):
    """``post_migrate`` receiver: the app's permissions, made if missing, named in Japanese."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    if not app_config.models_module or not router.allow_migrate_model(using, Permission):
        return
    # Django's receiver makes them too, but it may run after this one (editorial comes
    # before auth in INSTALLED_APPS, so its templates win): made first here, whatever the
    # order (it makes only what is missing).
    create_permissions(
        app_config, verbosity=0, using=using, **{k: v for k, v in kwargs.items() if k == "apps"}
    )
    # The installed models, not the migration state's: only theirs carry translatable names.
    models = list(app_config.get_models())
    content_types = ContentType.objects.db_manager(using).get_for_models(*models, for_concrete_models=False)
    wanted = {}
    with translation.override(settings.LANGUAGE_CODE):
        for model in models:
            opts = model._meta
            for action in opts.default_permissions:
                if action in VERBS:
                    key = (content_types[model].pk, get_permission_codename(action, opts))
                    wanted[key] = japanese_name(action, opts)
    renamed = []
    for permission in Permission.objects.using(using).filter(content_type__in=content_types.values()):
        name = wanted.get((permission.content_type_id, permission.codename))
        if name and permission.name != name:
            permission.name = name
            renamed.append(permission)
    Permission.objects.using(using).bulk_update(renamed, ["name"])
