from django import template

from articles import images

register = template.Library()


@register.filter
def cover_url(cover, width):
    return images.rendition_url(cover, int(width))


@register.filter
def cover_srcset(cover):
    return images.srcset(cover)
