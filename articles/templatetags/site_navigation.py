from django import template
from django.db import InterfaceError, OperationalError

from articles import cache, freshness
from articles.models import Category

register = template.Library()

# The menu is kept like a page, under the key it shows: a page rendered without the page
# cache reads it in the one round trip to Redis that finding a page costs, not in a query.
MENU_KEY = "menu:categories"


@register.simple_tag(takes_context=True)
def site_categories(context):
    """Every category, in the editors' order, for the site header; the page is marked as
    showing them (articles.freshness.CATEGORY_MENU), so a category added, renamed,
    reordered or deleted forgets it, and the kept menu with it, at once."""
    request = context.get("request")
    if request is not None:
        freshness.page_shows(request, [freshness.CATEGORY_MENU])
    built, kept = cache.find_page(MENU_KEY)
    if kept is not None:
        return [Category(pk=pk, name=name, slug=slug, position=position) for pk, name, slug, position in kept]
    try:
        categories = list(Category.objects.only("name", "slug", "position"))
    except (OperationalError, InterfaceError):
        # The 404 and 400 pages come before anything notices the database is away (a restart),
        # and must still render; a page without its menu is then kept by no cache.
        if request is not None:
            request.page_incomplete = True
        return []
    # ``built`` was read before the query: a category saved meanwhile stamps the key after
    # its commit, newer than ``built``, so what this read missed is never served for long.
    cache.store_page(
        MENU_KEY,
        built=built,
        shows=[freshness.CATEGORY_MENU, freshness.EVERYTHING],  # forgotten with every page too
        page=[[c.pk, c.name, c.slug, c.position] for c in categories],
    )
    return categories
