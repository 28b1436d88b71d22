from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.urls import reverse_lazy
from markdownx.widgets import AdminMarkdownxWidget
from taggit.forms import TagWidget


class QuietPreviewMarkdownxWidget(AdminMarkdownxWidget):
    """markdownx's editor, asking again quietly when the live preview says it is busy (429)."""

    class Media:
        js = ["editorial/preview_retry.js"]


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


class _ValidIdsOnly:
    """Re-displaying a refused form, Django's autocomplete widgets put the
    submitted ids straight into a query: "abc" there is a 500 instead of the
    field's "choose a valid option". Ids that cannot exist are left out."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if str(v).isascii() and str(v).isdigit()], attr)


class SafeAutocompleteSelect(_ValidIdsOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ValidIdsOnly, AutocompleteSelectMultiple):
    pass
