from django import template
from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override

from newsroom.arabic import ltr_runs

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context):
    """
    The current page in each other language, for the language switch and the `hreflang` alternates.

    Each entry has `code`, `name` (in its own language), `url` and `same_page`. The path is reversed in that
    language, so the reader stays on the same page. Where the page does not exist in that language (a view lists
    the languages it exists in as `page_languages`; a 404 resolves to nothing) the link leads to that language's
    home page instead, and `same_page` is false, so no `hreflang` alternate is announced. The query string is
    dropped: page 7 of a list may not exist in the other language.
    """
    path = context["request"].path
    available = context.get("page_languages")
    try:
        resolve(path)
    except Resolver404:
        available = ()
    alternates = []
    for code, _name in settings.LANGUAGES:
        if code == get_language():
            continue
        same_page = available is None or code in available
        if same_page:
            url = translate_url(path, code)
        else:
            with override(code):
                url = reverse("home")
        alternates.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": url, "same_page": same_page}
        )
    return alternates


@register.filter(needs_autoescape=True)
def isolate_latin(text, autoescape=True):
    """Escape `text` and wrap each Latin run in <bdi>, so «يتعلم البرمجة بلغة C++» keeps «C++» in order on a
    right-to-left page. Left-to-right pages need no help and get the text as it is."""
    text = str(text or "")
    if not get_language_info(get_language())["bidi"]:
        return conditional_escape(text)
    pieces, last = [], 0
    for start, end in ltr_runs(text):
        pieces += [conditional_escape(text[last:start]), format_html("<bdi>{}</bdi>", text[start:end])]
        last = end
    pieces.append(conditional_escape(text[last:]))
    return mark_safe("".join(str(piece) for piece in pieces))  # noqa: S308 - every piece is escaped
