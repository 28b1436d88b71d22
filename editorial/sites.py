"""The admin site: Django's, with "view on site" kept to what the user may see."""

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.urls import path


class EditorialAdminSite(admin.AdminSite):
    def get_urls(self):
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in super().get_urls()
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's shortcut, for an object the user may see in this admin.

        Django's own redirects any staff user to the public address of any
        object, which for an article is its slug: usually its title, so one
        writer could read the titles of another's drafts. Whatever the user
        may not see, or does not exist, is the same 404."""
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        try:
            model = ContentType.objects.get(pk=content_type_id).model_class()
        except (ObjectDoesNotExist, ValueError, ValidationError):
            model = None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404("指定されたものは見つかりません。")
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404("指定されたものは見つかりません。")
        return shortcut(request, content_type_id, object_id)
