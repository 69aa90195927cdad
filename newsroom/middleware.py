from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class UrlLanguageMiddleware(LocaleMiddleware):
    """
    Django's LocaleMiddleware, without `Vary: Accept-Language`.

    With `i18n_patterns(prefix_default_language=False)` the language comes from the URL alone: `/en/…` is English
    and every other path is Arabic, whatever the browser asks for (LocaleMiddleware.process_request itself picks
    LANGUAGE_CODE for unprefixed paths). The stock middleware still adds `Vary: Accept-Language` to unprefixed
    responses, which splits every shared cache by browser language for nothing.
    """

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
