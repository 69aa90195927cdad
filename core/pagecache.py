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
- Purge what changed, not everything. While a page is drawn, the code drawing it names what it shows as tags
  (`tag_page("article-12", "section-3-list")`; the apps say which, core/pagecache.py only keeps them). Each tag has
  a version in the shared cache; a stored page holds the versions of its tags when it was drawn, and is served only
  while all of them are current. A change gives new versions to the tags it touches (`pages_purge()`), so exactly
  the pages that show it are drawn again, on every worker at once: none holds a copy of its own. Every page also has
  the tag SITE_TAG, which `pages_purge_all()` (manage.py purge_pages) renews.
- A page drawn while a change was being made is not stored: a purge first records when it happened (CHANGED_AT_KEY),
  and a page is stored only if that time is the one read before drawing it (so a page drawn from the state before a
  commit can never be stored under the versions after it).
- A cached answer costs one round trip to the cache: the apps' prefetched state, the page and its tags' versions,
  read together. The page's key is guessed from the prefetched state of this process's last look, its tags from the
  last time this process saw the page; either guess is used only if it held, else one more round trip.
- Scheduled articles appear without any write: the time the next one comes due is kept in the shared cache, and the
  first request after it purges what came due (the app that registered the time says what that is).
- If the cache is unreachable, pages are served uncached (and /healthz says so).
- Reads are counted here, for the pages an app marks while drawing them (`count_read("article", 12)`): the stored
  page keeps the mark, and every 200 answer to a reader's GET of it counts once, drawn or from the cache, before
  Django's handler or in it, and with the page cache switched off too; never staff's, a HEAD, a 304, a crawler's
  or a prefetch (core/reads.py, which keeps the counts in memory and hands them to the app off the request path).

Every cacheable page also gets HTTP caching headers for a cache in front (`s-maxage`, `stale-while-revalidate`,
`stale-if-error`), its tags in the surrogate-key headers that cache reads (core/httpcache.py purges it by tag), an
ETag and a Last-Modified, and a matching conditional GET gets a 304.
"""

import contextvars
import copy
import functools
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections, transaction
from django.http import HttpResponse, QueryDict
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from . import reads
from .httpcache import http_cache_purge_later
from .postgresql.deadline import database_deadline
from .staff import staff_request

logger = logging.getLogger(__name__)

# Every page shows the site: purging this tag makes every page stale.
SITE_TAG = "site"
TAG_KEY_PREFIX = "pages:tag:"
NEXT_DUE_KEY = "pages:next-due"
# When the last purge was made (a POSIX time): a page drawn across a purge is not stored; and for a while after it,
# pages are drawn from the primary database, never from a replica that may not have the change yet (core/routers.py).
CHANGED_AT_KEY = "pages:changed-at"
NOTHING_DUE = 0
# On the way to a stored page, a look-up in the database (the next scheduled time, the policy version) waits at most
# this long on an open connection, and never on a database this worker found not answering: a frozen database costs
# cached pages nothing (they keep the last known versions and policy version). Opening a connection for it is
# bounded by connect_timeout instead, once per worker (docs/production.md, "When PostgreSQL stops answering").
LOOKUP_SECONDS = 0.5
# Query parameters that say where a reader came from, not what they asked for.
TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_", "_ga")
# Headers a stored page does not keep: the rest (security headers, the CSP, Permissions-Policy, Content-Language,
# Vary, the surrogate keys…) are replayed on every cached answer, which no other middleware sees (the page cache
# comes first).
UNSTORED_HEADERS = {"set-cookie", "content-length", "date", "x-page-cache"}
# Requests a cached answer given before Django's handler leaves to it (PageCacheMiddleware answers conditional
# GETs, with a 304 or a 412).
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
# How many pages' tags a process remembers, to read their versions in the same round trip as the page (a guess
# checked against the stored page: forgetting costs a round trip, never a wrong page).
REMEMBERED_PAGES = 20000

# The tags of the page being drawn in this context (None: no page is being drawn for the cache).
_drawing = contextvars.ContextVar("newsroom_page_tags", default=None)
# What the page being drawn for a reader is a read of: [kind, pk] once the view says (None: no page is being drawn).
_reading = contextvars.ContextVar("newsroom_page_read", default=None)

# What the apps tell the page cache, registered from their AppConfig.ready() (the cache imports no app):
# - when the next scheduled change to what readers see comes due (articles: the next scheduled article), and which
#   tags to purge when it has;
# - what splits a page by reader (consent: which banner a reader's choice shows);
# - state kept in the shared cache that the apps want read with the page, in the same round trip;
# - headers of their own that a 304 repeats.
_next_due_sources = []
_variant_sources = []
_prefetched = {}
# Headers a 304 repeats from the page it confirms (RFC 9110 §15.4.5 names those a cache needs); apps add their own.
_not_modified_headers = ["Cache-Control", "Vary", "X-Page-Cache", "Content-Language"]


def register_next_due(source, came_due):
    """`source()` returns the POSIX time at which the next scheduled change readers will see comes due, or None;
    `came_due(since, until)` the tags of what came due between those two POSIX times."""
    _next_due_sources.append((source, came_due))


def register_variant(source):
    """`source(request)` returns a short string: readers who get different pages for one address differ in it."""
    _variant_sources.append(source)


def register_prefetch(cache_key, attribute):
    """Read `cache_key` from the shared cache with the page, and set it on the request as `attribute`."""
    _prefetched[cache_key] = attribute


def register_not_modified_header(name):
    """Repeat header `name` of a page in the 304 that confirms it (the live app's poll interval: a reader's page
    learns from every answer, a 304 included, when to ask again)."""
    if name not in _not_modified_headers:
        _not_modified_headers.append(name)


def tag_page(*tags):
    """Say that the page being drawn shows these things. Outside a page drawn for the cache, nothing happens."""
    drawing = _drawing.get()
    if drawing is not None:
        drawing.update(tags)


def count_read(kind, pk):
    """Say that the page being drawn is a read of `kind` `pk` (the articles app: an article page): every 200 answer
    to a reader's GET of this page is counted, whether drawn or served from the cache (core/reads.py). Outside a
    page drawn for a reader, nothing happens."""
    reading = _reading.get()
    if reading is not None:
        reading[:] = [kind, pk]


def _count(request, response, read):
    """Count `read` (a page's mark, or None) if `response` answers a reader's GET of it with the page itself."""
    if read and response.status_code == 200 and request.method == "GET":
        # The staff check (cookies and an HMAC) last: the page cache asked it already of every request it looked up,
        # but not of those it let by (the cache switched off).
        _count_reader(request.META, read, staff=lambda: staff_request(request))


def _count_reader(meta, read, *, staff=None):
    """Count `read` if the request's headers (`meta`) are a reader's and `staff()`, if given, says it is not
    staff's. Counting never fails a page: whatever goes wrong is logged, and the read is not counted."""
    try:
        if settings.NEWSROOM_COUNT_READS and reads.reader_request(meta) and not (staff and staff()):
            reads.read_counted(*read)
    except Exception:
        logger.warning("A read was not counted", exc_info=True)


def _next_due():
    """When the next scheduled change comes due (a POSIX time), or NOTHING_DUE."""
    times = [due for due in (source() for source, _came_due in _next_due_sources) if due is not None]
    return min(times) if times else NOTHING_DUE


def _variant(request):
    return "-".join(source(request) for source in _variant_sources)


def _tag_key(tag):
    return TAG_KEY_PREFIX + tag


def _purge_cached(tags):
    """New versions for `tags` in the shared cache: every page that shows one of them is stale, on every worker."""
    if settings.NEWSROOM_PAGE_CACHE_PURGE_EVERYTHING:
        tags = {SITE_TAG}  # the old rule, kept as a switch for bench/day.py to compare with
    try:
        # The time first: a page drawn before this purge and stored after it must not be stored under the new
        # versions (see _store).
        cache.set(CHANGED_AT_KEY, time.time(), timeout=None)
        cache.set_many({_tag_key(tag): secrets.token_hex(6) for tag in tags}, timeout=None)
    except Exception:
        # Nothing to purge: a cache that cannot be reached serves nothing either.
        logger.warning("Cached pages not purged: the cache is unavailable", exc_info=True)


def pages_purge(tags):
    """Make every cached page that shows one of `tags` stale, for every worker at once, and ask the HTTP cache in
    front (if one is configured) to drop them too: for changes made outside a transaction."""
    tags = set(tags)
    if tags:
        _purge_cached(tags)
        http_cache_purge_later(tags)


def pages_purge_on_commit(tags):
    """Purge `tags` for a change being made in the current transaction: now, and again once it commits (a reader
    served in between may have drawn a page from the state before the commit: that page is not stored, or is
    stored under the versions the second purge replaces). The HTTP cache in front is purged after the second
    (core/httpcache.py)."""
    tags = set(tags)
    if tags:
        _purge_cached(tags)
        transaction.on_commit(functools.partial(_purge_cached, tags))
        # After the purge above, on commit: the cache in front then fetches pages the page cache draws afresh.
        http_cache_purge_later(tags)


def pages_purge_all():
    """Make every cached page stale (manage.py purge_pages; a new policy version; a section renamed), and read the
    next scheduled change again."""
    pages_purge({SITE_TAG})
    pages_schedule_changed()


def pages_schedule_changed():
    """Something was scheduled or unscheduled: read again when the next scheduled change comes due. What came due
    since the time recorded, if no request has purged it yet, is purged first: the new time would hide it."""
    try:
        recorded = cache.get(NEXT_DUE_KEY)
        if recorded not in (None, NOTHING_DUE) and time.time() >= recorded:
            pages_purge(_due_tags(recorded, time.time()))
        cache.set(NEXT_DUE_KEY, _next_due(), timeout=None)
    except Exception:
        logger.warning("The next scheduled change is not recorded: the cache is unavailable", exc_info=True)


def pages_check_due():
    """Purge what came due if its time has passed (the first request after it does the same): for a cache in
    front, which may answer every request until its copies expire (manage.py publish_scheduled calls it)."""
    try:
        next_due = cache.get(NEXT_DUE_KEY)
    except Exception:
        logger.warning("What came due is not purged: the cache is unavailable", exc_info=True)
        return
    if _is_due(next_due):
        _purge_due(next_due)


def _is_due(next_due):
    """Whether `next_due` (read from the shared cache) has passed, or was never recorded: then the cache was
    restarted, and whatever it held is gone, the next due time with it."""
    return next_due is None or (next_due != NOTHING_DUE and time.time() >= next_due)


def _purge_due(next_due):
    pages_purge_all() if next_due is None else _come_due(next_due)


def _due_tags(since, until):
    """The tags of what came due between two POSIX times, as the apps that registered a schedule say."""
    tags = set()
    for _source, came_due in _next_due_sources:
        tags.update(came_due(since, until))
    return tags


def _come_due(since):
    """What was scheduled for `since` or later has come due: purge it, and record the next time."""
    pages_purge(_due_tags(since, time.time()))
    cache.set(NEXT_DUE_KEY, _next_due(), timeout=None)


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
    """Where this request's page is kept. What it shows is not part of it: the stored page holds its tags' versions
    (so the page and the versions come in one round trip)."""
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


def _surrogate_headers(response, tags):
    """The page's tags, for the HTTP cache in front: space-separated for Varnish's xkey and Fastly's Surrogate-Key,
    comma-separated for Cloudflare's Cache-Tag (settings.NEWSROOM_SURROGATE_KEY_HEADERS)."""
    names = sorted(tags)
    for header in settings.NEWSROOM_SURROGATE_KEY_HEADERS:
        response[header] = (",".join if header.lower() == "cache-tag" else " ".join)(names)


class PageCacheMiddleware:
    """Answer anonymous GETs from the shared page cache, and store what can be shared (see the module's docstring)."""

    # What the apps' prefetched keys (the policy version) held at this process's last look: the page's key is
    # guessed from them, so that it is read in the same round trip as the rest. Only a guess: a page is served only
    # if the values read with it are the ones it was guessed from.
    _last_prefetched = None
    # The tags each page had when this process last saw it (by key, oldest first): guesses, as above.
    _remembered_tags = {}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            read, response = self._drawn(request, tags=None)
            response.headers.setdefault("X-Page-Cache", "bypass")
            _count(request, response, read)
            return response
        look = self._look_up(request)
        if look is not None and look.served is not None:
            response = self._conditional(request, self._from_stored(look.served), "hit")
            _count(request, response, look.served.get("read"))
            return response
        tags = {SITE_TAG}
        read, response = self._drawn(request, tags=tags)
        if not _cacheable_response(response):
            response.headers.setdefault("X-Page-Cache", "bypass")
            _count(request, response, read)
            return response
        _http_caching_headers(response, response.content, time.time())
        _surrogate_headers(response, tags)
        # Every cached answer depends on Sec-GPC, through the reader's variant.
        patch_vary_headers(response, ["Sec-GPC"])
        if look is not None and request.method == "GET" and not self._store(look, tags, response, read):
            # Drawn across a purge, perhaps from the state before it: not for a cache in front either.
            response["Cache-Control"] = "no-store"
        response = self._conditional(request, response, "miss")
        _count(request, response, read)
        return response

    def _drawn(self, request, *, tags):
        """The response Django's handler draws, and what the view said the page is a read of (None). `tags`
        collects the page's tags, for the cache (None: not drawn for the cache)."""
        read = []
        reading = _reading.set(read)
        drawing = _drawing.set(tags)
        try:
            response = self.get_response(request)
        finally:
            _drawing.reset(drawing)
            _reading.reset(reading)
        return read or None, response

    def _variant_with(self, request, values):
        """The reader's variant were the prefetched keys to hold `values`, worked out on a copy of the request."""
        probe = copy.copy(request)
        for cache_key, attribute in _prefetched.items():
            if values.get(cache_key) is not None:
                setattr(probe, attribute, values[cache_key])
        with database_deadline(LOOKUP_SECONDS, retry=False):
            return _variant(probe)

    def _look_up(self, request, *, purge_due=True):
        """What the cache holds for this request (a _Look), or None when the cache cannot be used (unreachable, or
        the state it needs cannot be read), or when something came due and `purge_due` is false."""
        try:
            guessed = self._last_prefetched
            guess = _page_key(request, self._variant_with(request, guessed)) if guessed is not None else None
            look = _Look(self._remembered_tags)
            look.read([NEXT_DUE_KEY, CHANGED_AT_KEY, *_prefetched], guess)
            next_due = look.known.get(NEXT_DUE_KEY)
            if _is_due(next_due):
                if not purge_due:
                    return None
                # First request after a restart of the cache, or a scheduled article has come due: purge, then
                # look again.
                with database_deadline(LOOKUP_SECONDS, retry=False):
                    _purge_due(next_due)
                look = _Look(self._remembered_tags)
                look.read([CHANGED_AT_KEY, *_prefetched], guess)
            look.changed_at = look.known.get(CHANGED_AT_KEY)
            # Unknown (never recorded): no change to wait for, as the router says.
            request._pages_changed_at = look.changed_at or 0
            values = {cache_key: look.known.get(cache_key) for cache_key in _prefetched}
            for cache_key, attribute in _prefetched.items():
                if cache_key in look.known:
                    setattr(request, attribute, look.known[cache_key])
            if guess is None or values != guessed:
                type(self)._last_prefetched = values
                with database_deadline(LOOKUP_SECONDS, retry=False):
                    look.read([], _page_key(request, _variant(request)))
            look.check()
            return look
        except Exception:
            logger.warning("Page cache skipped for this request", exc_info=True)
            return None

    def _store(self, look, tags, response, read=None):
        """Keep the page under the versions of its tags, and what it is a read of (`read`: counted on every answer
        from the cache), unless a purge was made since the look (the page may have been drawn from the state before
        it): then False."""
        try:
            keys = [_tag_key(tag) for tag in tags]
            current = cache.get_many([CHANGED_AT_KEY, *keys])
            missing = [key for key in keys if key not in current]
            if missing:
                # Tags never purged yet (or evicted): each gets a version, the first worker's if several race.
                for key in missing:
                    cache.add(key, secrets.token_hex(6), timeout=None)
                current = cache.get_many([CHANGED_AT_KEY, *keys])
            if current.get(CHANGED_AT_KEY) != look.changed_at or any(key not in current for key in keys):
                return False
            stored = {
                "tags": {tag: current[_tag_key(tag)] for tag in sorted(tags)},
                "status": response.status_code,
                "content": response.content,
                "headers": {name: value for name, value in response.items() if name.lower() not in UNSTORED_HEADERS},
                "stored_at": time.time(),
                "read": read,
            }  # fmt: skip
            cache.set(look.key, stored, settings.NEWSROOM_PAGE_CACHE_SECONDS)
            look.remember(stored)
            _copies.keep(look.key, stored)
        except Exception:
            logger.warning("Page not cached: the cache is unavailable", exc_info=True)
        return True

    @staticmethod
    def _from_stored(stored):
        response = HttpResponse(stored["content"], status=stored["status"])
        for name, value in stored["headers"].items():
            response[name] = value
        patch_vary_headers(response, ["Sec-GPC"])
        return response

    def answer(self, environ):
        """The WSGI answer (status line, headers, body) to a reader's plain GET whose page is cached and current, or
        None: everything else (a miss, staff, HEAD, a conditional GET, something come due, any trouble) is for
        Django's handler, where this middleware answers it."""
        if environ.get("REQUEST_METHOD") != "GET" or any(name in environ for name in CONDITIONAL_HEADERS):
            return None
        try:
            # On a copy: Django's request writes into the environ it is given (the decoded path), and Django's
            # handler reads this one afterwards if the answer is not here.
            request = WSGIRequest(environ.copy())
            if not _cacheable_request(request):
                return None
            look = self._look_up(request, purge_due=False)
            if look is None or look.served is None or look.served["status"] != 200:
                return None
            content = look.served["content"]
            headers = [*look.served["headers"].items(), ("Content-Length", str(len(content))), ("X-Page-Cache", "hit")]
            # A reader's plain GET answered 200 (staff went to Django's handler above): counted if a read.
            read = look.served.get("read")
            if read:
                _count_reader(environ, read)
            return "200 OK", headers, content
        except Exception:
            # Django's handler answers it, with its own handling of whatever went wrong (a disallowed host: 400).
            logger.debug("Cached answer left to Django's handler", exc_info=True)
            return None
        finally:
            _close_old_connections()

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
            for name in _not_modified_headers:
                if name in response:
                    conditional[name] = response[name]
        return conditional


def _close_old_connections():
    """What Django does around every request (django.db.close_old_connections), for the answers given before its
    handler: a hit rarely touches the database (a policy version not in the cache), but a worker that serves only
    hits must still drop broken or aged connections. Never inside a transaction (a test's)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class _Look:
    """One request's look into the cache: what was read (`known`), under which key the page is (`key`), and the
    stored page if it may be served (`served`)."""

    def __init__(self, remembered_tags):
        self.remembered_tags = remembered_tags
        self.known = {}
        self.asked = set()
        self.key = None
        self.changed_at = None
        self.served = None
        self.copy = None

    def read(self, keys, page_key):
        """Read `keys` and the versions of the tags the page under `page_key` had when last seen, together; and the
        page itself, unless this process holds a copy of it (_copies)."""
        page = []
        if page_key is not None:
            self.key = page_key
            self.copy = _copies.get(page_key)
            if self.copy is not None:
                keys = [*keys, *map(_tag_key, self.copy["tags"])]
            else:
                page = [page_key]
                keys = [*keys, *map(_tag_key, self.remembered_tags.get(page_key, ()))]
        keys = list(dict.fromkeys(keys))
        self.known.update(_read(keys, page))
        self.asked.update(keys, page)

    def check(self):
        """Serve a stored page only if every one of its tags still has the version it was drawn under: this
        process's copy if it is current, else the shared cache's."""
        if self.copy is not None and self._current(self.copy):
            self.served = self.copy
            return
        if self.key not in self.asked:
            self.known.update(_read([], [self.key]))
            self.asked.add(self.key)
        stored = self.known.get(self.key)
        if stored is None:
            return
        self.remember(stored)
        if self._current(stored):
            self.served = stored
            _copies.keep(self.key, stored)

    def _current(self, stored):
        versions = stored["tags"]
        unread = [_tag_key(tag) for tag in versions if _tag_key(tag) not in self.asked]
        if unread:
            self.known.update(_read(unread))
            self.asked.update(unread)
        return all(self.known.get(_tag_key(tag)) == version for tag, version in versions.items()) and (
            time.time() < stored.get("stored_at", 0) + settings.NEWSROOM_PAGE_CACHE_SECONDS
        )

    def remember(self, stored):
        remembered = self.remembered_tags
        tags = tuple(stored["tags"])
        if remembered.get(self.key) != tags:
            remembered.pop(self.key, None)
            if len(remembered) >= REMEMBERED_PAGES:
                del remembered[next(iter(remembered))]
            remembered[self.key] = tags


def _read(small, pages=()):
    """cache.get_many() of the small keys a look reads (the next due time, the last change, the apps' prefetched
    keys, tags' versions) and of `pages`, in one round trip at most: with Redis, the small keys come from this
    process's mirror of them while it holds them (core/cache.py, KeyMirror), so a cached answer may need none."""
    mirror = getattr(cache, "mirror", None)
    mirror = mirror(_mirrored_prefixes()) if mirror is not None else None
    if mirror is None:
        return cache.get_many([*small, *pages])
    return mirror.get_many(small, pages)


def _mirrored_prefixes():
    return (TAG_KEY_PREFIX, NEXT_DUE_KEY, CHANGED_AT_KEY, *_prefetched)


class _Copies:
    """This process's copies of stored pages it served, newest use last, at most
    settings.NEWSROOM_PAGE_CACHE_COPIES_BYTES of content in all. A copy is served only while every one of its
    tags has the version it was drawn under (read from the shared cache on every request, as for the shared copy)
    and it is younger than NEWSROOM_PAGE_CACHE_SECONDS: it saves bringing the page itself from the shared cache,
    never a check. A purge reaches every worker's copies at once, since it changes those versions."""

    def __init__(self):
        self._pages = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            stored = self._pages.get(key)
            if stored is not None:
                self._pages.move_to_end(key)
            return stored

    def keep(self, key, stored):
        size = len(stored["content"])
        limit = settings.NEWSROOM_PAGE_CACHE_COPIES_BYTES
        if size > limit:
            return
        with self._lock:
            previous = self._pages.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous["content"])
            self._pages[key] = stored
            self._bytes += size
            while self._bytes > limit:
                _key, oldest = self._pages.popitem(last=False)
                self._bytes -= len(oldest["content"])

    def clear(self):
        with self._lock:
            self._pages.clear()
            self._bytes = 0


_copies = _Copies()


class PageCacheApplication:
    """The WSGI application around Django's (newsroom/wsgi.py): a reader's GET whose page is cached and current is
    answered here, before Django's request handling (its request signals, an HttpResponse built from the stored
    headers, the response's closing), which cost a cached answer more than the cache itself (bench/README.md,
    "Where a cached hit's time goes"). Everything else goes on to Django, where PageCacheMiddleware, first of the
    middleware, looks again and draws, stores and answers HEAD and conditional requests."""

    def __init__(self, application):
        self.application = application
        self.pages = PageCacheMiddleware(None)
        reads.warm_up()  # the crawler list compiled as each worker starts, not in a reader's request

    def __call__(self, environ, start_response):
        answer = self.pages.answer(environ)
        if answer is None:
            return self.application(environ, start_response)
        status, headers, content = answer
        start_response(status, headers)
        return [content]
