from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "編集"


class EditorialAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with our site as ``admin.site`` (see editorial/sites.py)."""

    default = False  # editorial's own config stays EditorialConfig
    default_site = "editorial.sites.EditorialAdminSite"
