import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


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


class DatabaseUnavailableMiddleware:
    """
    A reader whose page needs the database while it is unreachable gets an Arabic (or English) 503 page with
    `Retry-After`, never a traceback or a 500. Nothing is kept between requests: Django drops a broken connection at
    the end of the request, so the site recovers on its own once the database is back. Pages already in the page
    cache are still served meanwhile (a CDN in front adds `stale-if-error`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable: %s", exception, exc_info=exception)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(settings.NEWSROOM_RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
