"""
Purging the HTTP cache in front of the site by tag.

Pages carry their tags in surrogate-key headers (core/pagecache.py: `xkey` for Varnish, `Surrogate-Key` for
Fastly, `Cache-Tag` for Cloudflare). When the page cache purges tags, it also enqueues a job that asks the cache in
front to drop every page carrying one of them, through the backend named in settings.NEWSROOM_HTTP_CACHE. A purge
is a call to the outside world, so it runs in the job queue and is retried like any job; the page cache's own
copies are purged at once, in the process that made the change.

A backend is a class taking the setting's LOCATIONS and OPTIONS, with one method, `purge(tags)`, which drops every
page carrying one of `tags` everywhere it is kept, or raises. One ships: Varnish with the xkey module
(docs/production.md, "Varnish in front").
"""

import http.client
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks import task

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
        tags = sorted(tags)
        timeout = self.options.get("timeout", 5)
        for location in self.locations:
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


def http_cache_purge_later(tags):
    """Enqueue the purge of `tags` from the cache in front, if one is configured."""
    if not settings.NEWSROOM_HTTP_CACHE.get("BACKEND"):
        return
    try:
        http_cache_purge.enqueue(tags=sorted(tags))
    except Exception:
        # The page cache's own copies are purged already; the cache in front keeps its copy for s-maxage at most.
        logger.warning("The purge of the cache in front was not enqueued", exc_info=True)
