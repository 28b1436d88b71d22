"""Autosave in the article admin: the offer to restore, the restored form, and
dropping the autosave once the form is saved."""

import uuid

from django.urls import reverse

from . import autosave, presence
from .models import Autosave

RESTORE_PARAMETER = "autosave"


class AutosaveAdminMixin:
    def _restored(self, request, obj):
        if request.method != "GET" or request.GET.get(RESTORE_PARAMETER) != "restore":
            return None
        if obj is not None:
            return Autosave.objects.filter(user=request.user, article=obj).first()
        return autosave.latest_new_article(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        restored = self._restored(request, obj)
        if restored is None:
            return form
        initial = autosave.form_initial(restored)
        version = restored.based_on_version

        class RestoredForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update(initial)
                    # Typed against this version: a save over a later one is caught by the edit lock.
                    if version is not None and "loaded_version" in self.fields:
                        self.initial["loaded_version"] = version

        RestoredForm.__name__ = form.__name__
        return RestoredForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        restored = self._restored(request, obj)
        offer = None
        if request.method == "GET" and restored is None:
            offer = autosave.offer_for(request.user, obj) if obj is not None else None
            new_article = autosave.latest_new_article(request.user) if obj is None else None
            context["autosave_new_article"] = new_article
        draft_key = restored.draft_key if restored is not None and obj is None else uuid.uuid4()
        context.update(
            presence_others=presence.present_on([obj.pk], request.user).get(obj.pk, [])
            if obj is not None
            else [],
            autosave_offer=offer,
            autosave_restored=restored,
            autosave_config={
                "url": reverse("writing:autosave"),
                "discard_url": reverse("writing:autosave_discard"),
                "article": obj.pk if obj is not None else "",
                "version": obj.version if obj is not None else "",
                "draft_key": "" if obj is not None else draft_key,
                "user": request.user.pk,
            },
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        # A redirect after a POST is a save that went through: the autosave is no longer news.
        if request.method == "POST" and response.status_code in (301, 302, 303):
            key = request.POST.get("_autosave_key", "")
            try:
                draft_key = uuid.UUID(key) if key else None
            except ValueError:
                draft_key = None
            article = self.model.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
            autosave.forget(request.user, article=article, draft_key=draft_key)
        return response
