"""The admin's date and time inputs, showing editors the forms they accept before they type.

What is accepted is the Japanese locale's input formats (allforces/formats/ja),
and the message for a refused value is in allforces/locale; this widget only
puts examples beside the inputs, reads full-width digits as ASCII and has the
calendar write its month the Japanese way round.
"""

import unicodedata

from django.contrib.admin.widgets import AdminSplitDateTime

DATE_EXAMPLES = "2026/12/3、2026-12-03、2026年12月3日"
TIME_EXAMPLES = "9:30、09:30、9時30分"


class HintedSplitDateTime(AdminSplitDateTime):
    template_name = "editorial/widgets/split_datetime.html"

    class Media:
        js = ["editorial/calendar_caption.js"]

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["placeholder"] = "2026/12/3"
        self.widgets[1].attrs["placeholder"] = "9:30"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["date_examples"] = DATE_EXAMPLES
        context["time_examples"] = TIME_EXAMPLES
        return context

    def value_from_datadict(self, data, files, name):
        # With the Japanese input method on, digits and separators come full-width (２０２６／１２／３).
        return [
            unicodedata.normalize("NFKC", value) if isinstance(value, str) else value
            for value in super().value_from_datadict(data, files, name)
        ]
