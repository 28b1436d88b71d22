"""Pages of a list without counting the whole list.

Django's paginator counts every matching row to know the number of pages;
with a hundred thousand articles that count costs more than the rest of the
page. Readers move newer and older one page at a time, so a page only needs
to know whether there is one more: it reads one row beyond its own.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

# Beyond any list's end; longer numbers are not even converted (Python refuses past 4,300 digits).
BEYOND_ANY_PAGE = 10**10


def requested_page(raw: str) -> int:
    """The page number a reader's ``?page=`` names: 1 when it is empty, 0 when it is not a number.

    Leading zeros name the same page (``02`` is page 2), so the page cache and the
    view read a value the same way and one page has one stored copy.
    """
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()):
        return 0
    digits = raw.lstrip("0") or "0"
    return int(digits) if len(digits) <= 10 else BEYOND_ANY_PAGE


class OpenEndedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_more):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self):
        return self.has_more

    def has_previous(self):
        return self.number > 1


class OpenEndedPaginator(Paginator):
    """A paginator whose pages know their neighbours but not the total."""

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("ページ番号が正しくありません。") from None
        if number < 1:
            raise EmptyPage("ページ番号は1以上です。")
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("このページには記事がありません。")
        return OpenEndedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)
