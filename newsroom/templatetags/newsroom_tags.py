from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context):
    """
    The current page in each other language, for the language switch and the `hreflang` alternates.

    Each entry has `code`, `name` (in its own language) and `url`; the path is reversed in that language, so the
    reader stays on the same page. A path that does not resolve (a 404 page) leads to that language's home page.
    """
    path = context["request"].get_full_path()
    current = get_language()
    alternates = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = translate_url(path, code)
        if url == path:
            with override(code):
                url = reverse("home")
        alternates.append({"code": code, "name": get_language_info(code)["name_local"], "url": url})
    return alternates
