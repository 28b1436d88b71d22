"""The generator in the admin: editors edit its prompt (each save a new version)
and read what it did."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from ..models import GenerationAttempt, PromptTemplate
from ..people import display_name
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
    list_display = ["__str__", "in_use", "note", "made_by", "created_at"]
    readonly_fields = ["version", "made_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["system", "instructions", "note"]}),
        ("版", {"fields": ["version", "made_by", "created_at"]}),
    ]

    # Words, not Django's boolean icons: their alt text is "True"/"False" in English.
    @admin.display(description="使用")
    def in_use(self, template):
        return (
            "使用中" if template.pk == prompts.current_template().pk else "以前の版（記録のため残しています）"
        )

    @admin.display(description="作成者", ordering="created_by")
    def made_by(self, template):
        return display_name(template.created_by) or "—"

    def has_delete_permission(self, request, obj=None):
        return False  # each generated pass names the version it was asked with

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            messages.info(request, f"変更がないため、新しい版は作りませんでした。{obj}のままです。")
            return
        prompts.save_as_new_version(obj, by=request.user)
        messages.info(
            request, f"{obj}として保存しました。これからの生成はこの版を使います。前の版はそのまま残ります。"
        )

    def response_change(self, request, obj):
        # The edit was saved as a new version (``obj`` is now it): Django's answer
        # would say the old one was changed, link to it, and reopen it on
        # 保存して編集を続ける. save_model has said what happened.
        if "_continue" in request.POST:
            return HttpResponseRedirect(reverse("admin:editorial_prompttemplate_change", args=[obj.pk]))
        if "_addanother" in request.POST:
            return HttpResponseRedirect(reverse("admin:editorial_prompttemplate_add"))
        return HttpResponseRedirect(reverse("admin:editorial_prompttemplate_changelist"))


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
