"""
Purging the HTTP cache in front of the site by tag.

Pages carry their tags in surrogate-key headers (core/pagecache.py: `xkey` for Varnish, `Surrogate-Key` for
Fastly, `Cache-Tag` for Cloudflare). When the page cache purges tags, it also enqueues a job that asks the cache in
front to drop every page carrying one of them, through the backend named in settings.NEWSROOM_HTTP_CACHE, twice:
- at once, when the change commits (in the process that made it, after the page cache's own purge), so that readers
  of the cache in front see the change within a moment;
- again NEWSROOM_HTTP_CACHE_REPEAT_SECONDS later, as a job enqueued in the change's own transaction: it is retried
  like any job, so the purge is not lost if the cache in front was unreachable at the commit or the process died
  just after it. Purging a page twice costs the cache in front one more request to the application, which answers
  it from its own page cache.

A backend is a class taking the setting's LOCATIONS and OPTIONS, with one method, `purge(tags)`, which drops every
page carrying one of `tags` everywhere it is kept, or raises. One ships: Varnish with the xkey module
(docs/production.md, "Varnish in front").
"""

import functools
import http.client
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

from .jobs import enqueue_later

logger = logging.getLogger(__name__)


class HttpCacheError(Exception):
    """A cache in front refused or did not answer a purge (the job is tried again)."""


class HttpCache:
    """The interface: drop every stored page that carries one of `tags`."""

    def __init__(self, *, locations, **options):
        self.locations = list(locations)
        self.options = options

    def purge(self, tags):
        raise NotImplementedError


class VarnishXkey(HttpCache):
    """Varnish with vmod_xkey: a `PURGE` request to each Varnish, with the tags in its `xkey-purge` header (the VCL
    in docs/production.md answers it from allowed addresses only)."""

    # Tags per request: Varnish refuses a header longer than http_req_hdr_len (8 KiB by default).
    TAGS_PER_REQUEST = 200

    def purge(self, tags):
        """Every Varnish is asked, even after one failed (one down must not leave the others stale); then the
        failures, if any, are raised together."""
        tags = sorted(tags)
        failures = []
        for location in self.locations:
            try:
                self._purge_one(location, tags)
            except HttpCacheError as error:
                failures.append(str(error))
        if failures:
            raise HttpCacheError("; ".join(failures))

    def _purge_one(self, location, tags):
        timeout = self.options.get("timeout", 5)
        address = urlsplit(location)
        for start in range(0, len(tags), self.TAGS_PER_REQUEST):
            chunk = " ".join(tags[start : start + self.TAGS_PER_REQUEST])
            connection = http.client.HTTPConnection(address.hostname, address.port or 80, timeout=timeout)
            try:
                connection.request("PURGE", address.path or "/", headers={"xkey-purge": chunk})
                response = connection.getresponse()
                response.read()
            except OSError as error:
                raise HttpCacheError(f"{location} did not answer the purge: {error}") from error
            finally:
                connection.close()
            if response.status != 200:
                raise HttpCacheError(f"{location} answered the purge with {response.status} {response.reason}")


def http_cache():
    """The configured cache in front (an HttpCache), or None."""
    configured = settings.NEWSROOM_HTTP_CACHE
    if not configured.get("BACKEND"):
        return None
    backend = import_string(configured["BACKEND"])
    return backend(locations=configured.get("LOCATIONS", []), **configured.get("OPTIONS", {}))


@task()
def http_cache_purge(*, tags: list[str]) -> int:
    """Ask the cache in front to drop every page carrying one of `tags`. Returns how many tags were purged."""
    backend = http_cache()
    if backend is None:
        return 0
    backend.purge(tags)
    return len(tags)


def _purge_now(backend, tags):
    try:
        backend.purge(tags)
    except Exception:
        # The job enqueued beside this purge tries again.
        logger.warning("The cache in front was not purged at once (the job will try again)", exc_info=True)


def http_cache_purge_later(tags):
    """Purge `tags` from the cache in front, if one is configured: once the current transaction commits (at once
    outside one), and again later from the job queue (see the module's docstring)."""
    backend = http_cache()
    if backend is None:
        return
    tags = sorted(tags)
    # Not enqueued: the purge at the commit still runs; should it fail too, the cache in front keeps its copy until
    # it expires.
    enqueue_later(http_cache_purge, seconds=settings.NEWSROOM_HTTP_CACHE_REPEAT_SECONDS, tags=tags)
    transaction.on_commit(functools.partial(_purge_now, backend, tags))
