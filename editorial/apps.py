from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "編集"

    def ready(self):
        from .permission_names import name_default_permissions

        # Before or after django.contrib.auth's receiver: this one makes what is missing first.
        post_migrate.connect(name_default_permissions, dispatch_uid="editorial.permission_names")


class EditorialAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with our site as ``admin.site`` (see editorial/sites.py)."""

    default = False  # editorial's own config stays EditorialConfig
    default_site = "editorial.sites.EditorialAdminSite"
