from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(needs_autoescape=True)
def comment_text(text, autoescape=True):
    """A reader's plain text as HTML: escaped, line breaks kept, addresses turned into links that carry no
    endorsement (nofollow ugc) and no access to this page (noopener)."""
    linked = urlize(text, nofollow=False, autoescape=autoescape)
    linked = linked.replace('<a href="', '<a rel="nofollow ugc noopener" href="')
    return mark_safe(linebreaksbr(linked, autoescape=False))  # noqa: S308 - urlize escaped the text
