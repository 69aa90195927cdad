from django import template
from django.utils.safestring import mark_safe

from ..sanitize import clean_body

register = template.Library()


@register.filter
def article_body(html):
    """Render stored article HTML through the sanitiser, never as trusted markup."""
    return mark_safe(clean_body(html or ""))  # noqa: S308 - nh3 output is safe by construction
