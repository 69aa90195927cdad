import re

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize
from django.utils.safestring import mark_safe

_LINKABLE = re.compile(r"@|https?://|www\.|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)

register = template.Library()


@register.filter(needs_autoescape=True)
def comment_text(text, autoescape=True):
    """A reader's plain text as HTML: escaped, line breaks kept, addresses turned into links that carry no
    endorsement (nofollow ugc) and no access to this page (noopener)."""
    # urlize looks at every word, slowly; what it links holds "@" (an address), "http://", "https://", "www." or a
    # ".com"-like ending (django.utils.html.Urlizer). Most comments hold none of them: the same HTML, sooner.
    if not _LINKABLE.search(text):
        return mark_safe(linebreaksbr(text, autoescape=autoescape))  # noqa: S308 - linebreaksbr escapes
    linked = urlize(text, nofollow=False, autoescape=autoescape)
    linked = linked.replace('<a href="', '<a rel="nofollow ugc noopener" href="')
    return mark_safe(linebreaksbr(linked, autoescape=False))  # noqa: S308 - urlize escaped the text
