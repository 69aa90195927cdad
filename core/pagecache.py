"""
The shared page cache: anonymous GETs of public pages are answered from the cache (Redis when REDIS_URL is set,
a table of the site's database otherwise), first of all the middleware, with the headers the page was stored with:
no session, CSRF, authentication or, with Redis, SQL query.

Correct while fast:
- Only staff bypass it: a session cookie with the unexpired staff marker that matches it (core/staff.py). Any
  other request, a bare or forged session cookie or an expired marker included, is a reader's. A page is stored
  only as a 200 that sets no cookie and is not marked private or no-cache (previews, the cookie settings page and
  the token endpoint are).
- The key holds the reader's variant (registered by the consent app: one of six strings), the host, the path and the
  query without tracking parameters: unrelated cookies neither split nor bypass the cache.
- Every key holds the build the page was drawn by (`build_id()`): during a rolling release, a worker of the new
  build never serves a page of the old one (with its old templates and its old static files' names), nor the
  reverse.
- Every stored page also holds the generation it was drawn in, kept in the shared cache, and only a page of the
  current generation is served. Any change readers could see (an article published, edited, unpublished or coming
  due; a comment approved or removed; a correction, a section, a tag, a name) starts a new generation, so every
  page is fresh at once on every worker: none holds a copy of its own. A cached answer costs one round trip to the
  cache: the generation, the apps' prefetched state and the page, read together (the page's key is guessed from
  the prefetched state of the last look, and used only if the guess held).
- Scheduled articles appear without any write: the time the next one comes due is kept beside the generation, and
  the first request after it starts a new generation.
- If the cache is unreachable, pages are served uncached (and /healthz says so).

Every cacheable page also gets HTTP caching headers for a CDN or nginx in front (`s-maxage`,
`stale-while-revalidate`, `stale-if-error`), an ETag and a Last-Modified, and a matching conditional GET gets a 304.
"""

import copy
import functools
import hashlib
import logging
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .postgresql.deadline import database_deadline
from .staff import staff_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
NEXT_DUE_KEY = "pages:next-due"
# When the last change was made (a POSIX time): for a while after it, pages are drawn from the primary database,
# never from a replica that may not have the change yet (core/routers.py).
CHANGED_AT_KEY = "pages:changed-at"
NOTHING_DUE = 0
# On the way to a stored page, a look-up in the database (the next scheduled time, the policy version) waits at most
# this long on an open connection, and never on a database this worker found not answering: a frozen database costs
# cached pages nothing (they keep the last known generation and policy version). Opening a connection for it is
# bounded by connect_timeout instead, once per worker (docs/production.md, "When PostgreSQL stops answering").
LOOKUP_SECONDS = 0.5
# Query parameters that say where a reader came from, not what they asked for.
TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_", "_ga")
# Headers a stored page does not keep: the rest (security headers, the CSP, Permissions-Policy, Content-Language,
# Vary…) are replayed on every cached answer, which no other middleware sees (the page cache comes first).
UNSTORED_HEADERS = {"set-cookie", "content-length", "date", "x-page-cache"}


# What the apps tell the page cache, registered from their AppConfig.ready() (the cache imports no app):
# - when the next scheduled change to what readers see comes due (articles: the next scheduled article);
# - what splits a page by reader (consent: which banner a reader's choice shows);
# - state kept in the shared cache that the apps want read with the generation, in the same round trip.
_next_due_sources = []
_variant_sources = []
_prefetched = {}


def register_next_due(source):
    """`source()` returns the POSIX time at which the next scheduled change readers will see comes due, or None."""
    _next_due_sources.append(source)


def register_variant(source):
    """`source(request)` returns a short string: readers who get different pages for one address differ in it."""
    _variant_sources.append(source)


def register_prefetch(cache_key, attribute):
    """Read `cache_key` from the shared cache with the generation, and set it on the request as `attribute`."""
    _prefetched[cache_key] = attribute


def _next_due():
    """When the next scheduled change comes due (a POSIX time), or NOTHING_DUE."""
    times = [due for due in (source() for source in _next_due_sources) if due is not None]
    return min(times) if times else NOTHING_DUE


def _variant(request):
    return "-".join(source(request) for source in _variant_sources)


def pages_changed():
    """Make every cached page stale, for every worker at once: a new generation in the shared cache."""
    try:
        cache.set_many(
            {GENERATION_KEY: secrets.token_hex(6), NEXT_DUE_KEY: _next_due(), CHANGED_AT_KEY: time.time()},
            timeout=None,
        )
    except Exception:
        # Nothing to purge: a cache that cannot be reached serves nothing either (and a database that cannot be
        # reached leaves the old generation, whose pages are still right).
        logger.warning("Page cache generation not advanced", exc_info=True)


def pages_changed_on_commit():
    """pages_changed() now, and again once the current transaction commits: a reader served between the two may
    have cached the state from before the commit under the first new generation; the second drops it."""
    from django.db import transaction

    pages_changed()
    transaction.on_commit(pages_changed)


def _drop_tracking(request):
    """Drop tracking parameters from the request itself, so the page rendered is exactly the one the key names (the
    page writes its own address into links and forms: one reader's click id must never reach another)."""
    query = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    kept = [(name, value) for name, value in query if not name.startswith(TRACKING_PARAMETERS)]
    if len(kept) != len(query):
        request.META["QUERY_STRING"] = urlencode(kept)
        request.GET = QueryDict(request.META["QUERY_STRING"])
    return kept


@functools.cache
def _content_digest():
    """A digest of what decides how pages look besides the code: templates, compiled catalogs and the static
    files' manifest (whose hashed names the pages link to). Read once per process."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    files = sorted(path for path in (base / "templates").rglob("*") if path.is_file())
    files += sorted((base / "locale").rglob("*.mo"))
    for path in files:
        # Named from the checkout, so the same build installed in two places is one build.
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(b"staticfiles.json\0" + manifest.read_bytes())
    return digest.hexdigest()[:16]


def build_id():
    """The build this worker draws pages with: NEWSROOM_BUILD_ID, else a digest of its templates and files."""
    return settings.NEWSROOM_BUILD_ID or _content_digest()


def _page_key(request, variant):
    """Where this request's page is kept. The generation is not part of it: the stored page says which generation
    it was drawn in, and only a page of the current one is served (so the page and the generation come in one
    round trip)."""
    # Sorted by name only: the order of repeated values matters (Django reads the last one).
    query = sorted(_drop_tracking(request), key=lambda pair: pair[0])
    # The scheme too: a page drawn over HTTPS carries HSTS, and a plain-HTTP request is redirected, never stored.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(query)}"
    return f"pages:{build_id()}:{variant}:{hashlib.sha256(address.encode()).hexdigest()}"


def _unpaged_prefixes():
    """Static and media files: served by WhiteNoise or the web server, never asked of the page cache."""
    return tuple(prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix and prefix.startswith("/"))


def _cacheable_request(request):
    return (
        settings.NEWSROOM_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(_unpaged_prefixes())
        and not staff_request(request)
    )


def _cacheable_response(response):
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-cache", "no-store", "max-age=0"))
        and "cookie" not in response.get("Vary", "").lower()
    )


def _http_caching_headers(response, content, modified):
    response["ETag"] = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={settings.NEWSROOM_SHARED_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.NEWSROOM_STALE_WHILE_REVALIDATE_SECONDS}, "
        f"stale-if-error={settings.NEWSROOM_STALE_IF_ERROR_SECONDS}"
    )


class PageCacheMiddleware:
    """Answer anonymous GETs from the shared page cache, and store what can be shared (see the module's docstring)."""

    # What the apps' prefetched keys (the policy version) held at this process's last look: the page's key is
    # guessed from them, so that it is read in the same round trip as the generation. Only a guess: a page is served
    # only if the values read with it are the ones it was guessed from.
    _last_prefetched = None

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            response.headers.setdefault("X-Page-Cache", "bypass")
            return response
        key, generation, stored = self._look_up(request)
        if stored is not None and stored.get("generation") == generation:
            return self._conditional(request, self._from_stored(stored), "hit")
        response = self.get_response(request)
        if not _cacheable_response(response):
            response.headers.setdefault("X-Page-Cache", "bypass")
            return response
        _http_caching_headers(response, response.content, time.time())
        if key is not None and request.method == "GET":
            stored = {
                "generation": generation,
                "status": response.status_code,
                "content": response.content,
                "headers": {name: value for name, value in response.items() if name.lower() not in UNSTORED_HEADERS},
            }  # fmt: skip
            try:
                cache.set(key, stored, settings.NEWSROOM_PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Page not cached: the cache is unavailable", exc_info=True)
        return self._conditional(request, response, "miss")

    def _variant_with(self, request, values):
        """The reader's variant were the prefetched keys to hold `values`, worked out on a copy of the request."""
        probe = copy.copy(request)
        for cache_key, attribute in _prefetched.items():
            if values.get(cache_key) is not None:
                setattr(probe, attribute, values[cache_key])
        with database_deadline(LOOKUP_SECONDS, retry=False):
            return _variant(probe)

    def _look_up(self, request):
        """(this request's key, the current generation, the page stored under the key or None); (None, None, None)
        when the cache cannot be used (unreachable, or the state it needs cannot be read)."""
        try:
            guessed = self._last_prefetched
            guess = _page_key(request, self._variant_with(request, guessed)) if guessed is not None else None
            known = cache.get_many([GENERATION_KEY, NEXT_DUE_KEY, CHANGED_AT_KEY, *_prefetched, *filter(None, [guess])])
            generation, next_due = known.get(GENERATION_KEY), known.get(NEXT_DUE_KEY)
            # Unknown (a generation written before this key existed): no change to wait for, as the router says.
            request._pages_changed_at = known.get(CHANGED_AT_KEY, 0)
            if generation is None or next_due is None or (next_due != NOTHING_DUE and time.time() >= next_due):
                # First request after a restart of the cache, or a scheduled article has come due: every stored page
                # is of an older generation now.
                with database_deadline(LOOKUP_SECONDS, retry=False):
                    pages_changed()
                generation = cache.get(GENERATION_KEY)
            if generation is None:
                return None, None, None
            values = {cache_key: known.get(cache_key) for cache_key in _prefetched}
            for cache_key, attribute in _prefetched.items():
                if cache_key in known:
                    setattr(request, attribute, known[cache_key])
            if guess is not None and values == guessed:
                return guess, generation, known.get(guess)
            type(self)._last_prefetched = values
            with database_deadline(LOOKUP_SECONDS, retry=False):
                key = _page_key(request, _variant(request))
            return key, generation, cache.get(key)
        except Exception:
            logger.warning("Page cache skipped for this request", exc_info=True)
            return None, None, None

    @staticmethod
    def _from_stored(stored):
        response = HttpResponse(stored["content"], status=stored["status"])
        for name, value in stored["headers"].items():
            response[name] = value
        patch_vary_headers(response, ["Sec-GPC"])
        return response

    @staticmethod
    def _conditional(request, response, outcome):
        response["X-Page-Cache"] = outcome
        if response.status_code != 200 or "ETag" not in response:
            return response
        modified = parse_http_date_safe(response.get("Last-Modified", ""))
        conditional = get_conditional_response(
            request, etag=response["ETag"], last_modified=modified, response=response
        )
        if conditional is not response and conditional.status_code == 304:
            for name in ("Cache-Control", "Vary", "X-Page-Cache", "Content-Language"):
                if name in response:
                    conditional[name] = response[name]
        return conditional
