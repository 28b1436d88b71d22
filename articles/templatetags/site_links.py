from django import template

from articles.links import absolute_url

register = template.Library()


@register.filter
def absolute(path):
    """``path`` on the public site (SITE_URL), never on the host a request named."""
    return absolute_url(str(path))
