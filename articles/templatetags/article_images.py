from django import template

from articles import images

register = template.Library()


@register.filter
def shown_cover(article):
    """The cover's stored renditions, or None: a page never opens the image itself."""
    return images.shown_cover(article)
