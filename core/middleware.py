import codecs
import logging
from urllib.parse import unquote_to_bytes

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


# A codec that is UTF-8 and refuses every invalid sequence, whatever error handling its caller asks for. Django's
# multipart parser decodes each form field with errors="replace" (an invalid byte becomes U+FFFD) and takes the
# encoding from request.encoding, the documented knob: set to this codec, an invalid field raises instead.
#   Why not the alternatives: looking for U+FFFD in the parsed fields would also refuse a reader who pastes a real
#   "�"; parsing the body a second time, as bytes, would mean keeping it (uploads included) in memory or reading
#   the stream twice. With this codec the body is parsed once, as Django would anyway (CSRF reads request.POST),
#   files still streaming to disk through the upload handlers.
STRICT_UTF_8 = "newsroom-strict-utf-8"


def _strict_utf_8_decode(data, errors="strict"):
    return codecs.utf_8_decode(data, "strict", True)


class _StrictUtf8IncrementalDecoder(codecs.BufferedIncrementalDecoder):
    def _buffer_decode(self, data, errors, final):
        return codecs.utf_8_decode(data, "strict", final)


def _find_strict_utf_8(name):
    # Codec look-ups arrive in lower case with "-" and " " turned into "_".
    if name != STRICT_UTF_8.replace("-", "_"):
        return None
    return codecs.CodecInfo(
        name=STRICT_UTF_8,
        encode=codecs.utf_8_encode,
        decode=_strict_utf_8_decode,
        incrementalencoder=codecs.getincrementalencoder("utf-8"),
        incrementaldecoder=_StrictUtf8IncrementalDecoder,
    )


codecs.register(_find_strict_utf_8)


def _is_utf_8(raw: bytes) -> bool:
    """Whether URL-encoded `raw` is valid UTF-8 both as it stands and once its %XX escapes are decoded. Python's
    decoder is strict as Unicode asks: overlong forms (C0 AF) and encoded surrogates (CESU-8's ED A0 80) are refused.
    Decoding the whole string at once is the same as decoding each name and value: the separators "&" and "=" are
    ASCII, which no multi-byte sequence can contain."""
    try:
        raw.decode("utf-8")
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _raw_query_string(request) -> bytes:
    scope = getattr(request, "scope", None)
    if scope is not None:  # ASGI hands over the server's bytes
        return scope.get("query_string", b"")
    # WSGI (PEP 3333) carries the bytes as a Latin-1 string.
    return request.META.get("QUERY_STRING", "").encode("iso-8859-1")


class RequestEncodingMiddleware:
    """
    Refuses with a 400 page in the reader's language (from the URL, so it comes after UrlLanguageMiddleware) any
    request that is not UTF-8: a declared charset other than UTF-8, a query string or form body with invalid UTF-8
    (raw, or once its %XX escapes are decoded), or a multipart form field with invalid UTF-8.

    Django would not refuse them: it reads an urlencoded body that is not UTF-8 as Latin-1, turns invalid escapes
    and multipart fields into U+FFFD, and decodes with any charset the request declares, so a comment, a search or a
    login would go on with text nobody typed, and the comment would be stored as such.

    Bodies other than forms (JSON, plain text) are left to the view that reads them: Django decodes none of them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Every page view comes through here, cached ones included: a GET with no query string has nothing to decode.
        if request.method != "POST" and not request.META.get("QUERY_STRING"):
            return self.get_response(request)
        if not self.is_utf_8(request):
            return self.refuse(request)
        return self.get_response(request)

    def is_utf_8(self, request):
        charset = (request.content_params or {}).get("charset")
        if charset is not None:
            try:
                if codecs.lookup(charset).name != "utf-8":
                    return False
            except LookupError:
                return False
            request.encoding = "utf-8"  # "utf8", "UTF-8"…: one spelling, the one Django's form parsing accepts
        if not _is_utf_8(_raw_query_string(request)):
            return False
        if request.method != "POST":
            return True
        if request.content_type == "application/x-www-form-urlencoded":
            # Django reads this whole body into memory for request.POST anyway, and refuses one larger than
            # DATA_UPLOAD_MAX_MEMORY_SIZE (a 400) before reading it.
            return _is_utf_8(request.body)
        if request.content_type == "multipart/form-data":
            # Never request.body here: an upload may be large. The parse is the one request.POST would make later.
            request.encoding = STRICT_UTF_8
            try:
                request.POST  # noqa: B018 - parsing is the check
            except UnicodeDecodeError:
                return False
        return True

    def refuse(self, request):
        logger.info("Refused a request that is not UTF-8: %s %s", request.method, request.path)
        response = render(request, "400_encoding.html", status=400)
        add_never_cache_headers(response)
        return response
