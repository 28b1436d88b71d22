from django import template

from articles import freshness
from articles.models import Category

register = template.Library()


@register.simple_tag(takes_context=True)
def site_categories(context):
    """Every category, in the editors' order, for the site header; the page is marked as
    showing them (articles.freshness.CATEGORY_MENU), so a category added, renamed,
    reordered or deleted forgets it at once."""
    if request := context.get("request"):
        freshness.page_shows(request, [freshness.CATEGORY_MENU])
    return list(Category.objects.only("name", "slug", "position"))
