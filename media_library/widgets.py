from django import forms
from django.urls import reverse

from editorial.forms import row_id

from .models import Image


class LibraryCoverInput(forms.Widget):
    """The id of a library image chosen as cover, with the button that opens the
    library and the chosen image shown. It also brings the library's script and
    styles to the change form.

    Not a HiddenInput: the admin hides the whole row of a hidden widget."""

    template_name = "media_library/cover_input.html"

    class Media:
        js = [forms.Script("media_library/library.js", defer=True)]
        css = {"all": ["media_library/library.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pk = row_id(value)
        context["chosen"] = Image.objects.filter(pk=pk).first() if pk else None
        context["dialog_url"] = reverse("admin:media_library_image_dialog")
        return context
