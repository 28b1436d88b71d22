"""The generator in the admin: editors edit its prompt (each save a new version)
and read what it did."""

from django import forms
from django.contrib import admin, messages

from ..models import GenerationAttempt, PromptTemplate
from . import prompts


class PromptTemplateForm(forms.ModelForm):
    class Meta:
        model = PromptTemplate
        fields = ["system", "instructions", "note"]
        widgets = {
            "system": forms.Textarea(attrs={"rows": 5}),
            "instructions": forms.Textarea(attrs={"rows": 12}),
        }

    def _known_placeholders_only(self, field):
        text = self.cleaned_data.get(field, "")
        if unknown := prompts.unknown_placeholders(text):
            names = "、".join("{" + name + "}" for name in unknown)
            known = "、".join("{" + name + "}" for name in prompts.PLACEHOLDERS)
            raise forms.ValidationError(f"使えない差し込み {names} があります。使えるのは {known} です。")
        return text

    def clean_system(self):
        return self._known_placeholders_only("system")

    def clean_instructions(self):
        text = self._known_placeholders_only("instructions")
        if "{body}" not in text and "{tail}" not in text:
            raise forms.ValidationError(
                "依頼文に {body}（ここまでの本文）か {tail}（本文の最後）を入れてください。"
                "モデルが続きの元を知らずに書くことになります。"
            )
        return text


@admin.register(PromptTemplate)
class PromptTemplateAdmin(admin.ModelAdmin):
    form = PromptTemplateForm
    list_display = ["__str__", "in_use", "note", "created_by", "created_at"]
    readonly_fields = ["version", "created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["system", "instructions", "note"]}),
        ("版", {"fields": ["version", "created_by", "created_at"]}),
    ]

    @admin.display(description="使用中", boolean=True)
    def in_use(self, template):
        return template.pk == prompts.current_template().pk

    def has_delete_permission(self, request, obj=None):
        return False  # each generated pass names the version it was asked with

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return
        prompts.save_as_new_version(obj, by=request.user)
        messages.info(
            request, f"{obj}として保存しました。これからの生成はこの版を使います。前の版はそのまま残ります。"
        )


@admin.register(GenerationAttempt)
class GenerationAttemptAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "article",
        "outcome",
        "segment",
        "model",
        "prompt",
        "prompt_tokens",
        "completion_tokens",
        "latency_ms",
        "cost",
        "edited_at",
    ]
    list_filter = ["outcome", "model"]
    list_select_related = ["article", "segment", "prompt"]
    search_fields = ["article__title", "detail"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
