from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context):
    """
    The current page in each other language, for the language switch and the `hreflang` alternates.

    Each entry has `code`, `name` (in its own language) and `url`; the path is reversed in that language, so the
    reader stays on the same page.
    """
    request = context["request"]
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(request.get_full_path(), code),
        }
        for code, _name in settings.LANGUAGES
        if code != current
    ]
