from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from . import tokens
from .models import ApiToken


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="スコープ",
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="トークンに許す操作。ユーザーの役割で許されない操作は、スコープがあっても拒否されます。",
    )

    class Meta:
        model = ApiToken
        fields = ["name", "user", "scopes", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = [
        "name",
        "prefix",
        "user",
        "scope_list",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    @admin.display(description="スコープ")
    def scope_list(self, token):
        return "、".join(token.scopes)

    def get_readonly_fields(self, request, obj=None):
        # A token's powers are fixed when it is made: change them by issuing a new one.
        if obj is not None:
            return [*self.readonly_fields, "name", "user", "scopes", "expires_at"]
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "user", "scopes", "expires_at"]
        return [
            "name",
            "prefix",
            "user",
            "scopes",
            "expires_at",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def has_delete_permission(self, request, obj=None):
        # Revoked, never deleted: the audit rows name the token by its prefix.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            request.new_api_secret = tokens.fill_new(obj)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The secret is shown on this page only: it is neither stored nor put in a message cookie.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "APIトークンを作成しました",
            "token": obj,
            "secret": request.new_api_secret,
        }
        # The admin's views are never_cache (no-store): the page is not kept by a browser or proxy.
        return TemplateResponse(request, "api/admin/token_created.html", context)

    @admin.action(description="選んだトークンを失効させる", permissions=["change"])
    def revoke(self, request, queryset):
        count = tokens.revoke(queryset)
        messages.success(request, f"{count} 件のトークンを失効させました。")
