"""The admin site: Django's, with the desk as its home page, the user's
notifications, and "view on site" kept to what the user may see."""

from functools import cache, partial

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.urls import path
from django.views.decorators.http import require_POST

from .desk import inbox
from .desk import views as desk_views


class EditorialAdminSite(admin.AdminSite):
    index_template = "editorial/admin/desk.html"

    def get_urls(self):
        wrap = self.admin_view
        desk_urls = [
            path("notifications/", wrap(self.notifications_view), name="notifications"),
            path(
                "notifications/<int:notification_id>/read/",
                wrap(require_POST(self.mark_read_view)),
                name="notification_read",
            ),
            path(
                "notifications/read-all/",
                wrap(require_POST(self.mark_all_read_view)),
                name="notifications_read_all",
            ),
        ]
        return desk_urls + [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in super().get_urls()
        ]

    def each_context(self, request):
        context = super().each_context(request)
        if self.has_permission(request):
            # Called by the header only, at most once: pages without a header run no query.
            context["unread_notifications"] = cache(partial(inbox.unread_count, request.user))
        return context

    def index(self, request, extra_context=None):
        """The desk, with Django's list of models below it."""
        return super().index(request, {**desk_views.desk_context(request), **(extra_context or {})})

    def notifications_view(self, request):
        return desk_views.notifications(self, request)

    def mark_read_view(self, request, notification_id):
        return desk_views.mark_read(self, request, notification_id)

    def mark_all_read_view(self, request):
        return desk_views.mark_all_read(self, request)

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
