from django import template
from django.db import InterfaceError, OperationalError

from articles import freshness
from articles.models import Category

register = template.Library()


@register.simple_tag(takes_context=True)
def site_categories(context):
    """Every category, in the editors' order, for the site header; the page is marked as
    showing them (articles.freshness.CATEGORY_MENU), so a category added, renamed,
    reordered or deleted forgets it at once."""
    request = context.get("request")
    if request is not None:
        freshness.page_shows(request, [freshness.CATEGORY_MENU])
    try:
        return list(Category.objects.only("name", "slug", "position"))
    except (OperationalError, InterfaceError):
        # The 404 and 400 pages come before anything notices the database is away (a restart),
        # and must still render; a page without its menu is then kept by no cache.
        if request is not None:
            request.page_incomplete = True
        return []
