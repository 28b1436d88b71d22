from django.urls import reverse_lazy
from taggit.forms import TagWidget


class SuggestingTagWidget(TagWidget):
    """taggit's comma-separated input, with suggestions for the tag being typed."""

    def __init__(self, attrs=None):
        attrs = {
            "class": "vTextField tag-suggest",
            "data-suggest-url": reverse_lazy("editorial:tag_suggestions"),
            "autocomplete": "off",
            **(attrs or {}),
        }
        super().__init__(attrs)

    class Media:
        js = ["editorial/tag_suggest.js"]
