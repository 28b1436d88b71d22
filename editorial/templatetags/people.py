from django import template

from editorial import people

register = template.Library()


@register.filter
def display_name(user) -> str:
    """``{{ user|display_name }}``: 姓 名, as the office names people (editorial/people.py)."""
    return people.display_name(user)
