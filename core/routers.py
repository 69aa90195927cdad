"""
An optional read replica (DATABASE_REPLICA_URL) for what anonymous readers ask for: their GETs read from the
replica, everything else (writes, staff, forms) uses the primary. Staff are told apart exactly as the page cache
tells them (core/staff.py): a session cookie alone, or with an expired marker, is a reader's.

A reader never writes during a GET, but a page drawn from a lagging replica just after a change would show the old
state and be stored under the new tag versions of the page cache, staying stale until it expires. So for
NEWSROOM_REPLICA_LAG_SECONDS after each change (the time of the last purge, core/pagecache.py)
readers' pages are drawn from the primary; with the page cache on, only the first request for each page reaches
it, the rest are served from the cache. The window is measured with the web servers' clocks: keep them in time
(NTP), and let every worker of a release that writes the change time be running before counting on it.
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

from .staff import staff_request

REPLICA = "replica"
anonymous_read = ContextVar("anonymous_read", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # The database cache (the embedded default's) is shared state, read where it is written.
        if model._meta.app_label == "django_cache":
            return "default"
        return REPLICA if anonymous_read.get() and replica_configured() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied: objects from either may refer to each other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Marks anonymous GETs (no staff session), for the router above, for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous = request.method in ("GET", "HEAD") and not staff_request(request)
        token = anonymous_read.set(anonymous and replica_configured() and not self._just_changed(request))
        try:
            return self.get_response(request)
        finally:
            anonymous_read.reset(token)

    @staticmethod
    def _just_changed(request):
        """Whether a change was made so recently that the replica may not have it yet."""
        from .pagecache import CHANGED_AT_KEY

        changed_at = getattr(request, "_pages_changed_at", None)  # read by the page cache with its own keys
        if changed_at is None:
            try:
                changed_at = cache.get(CHANGED_AT_KEY)
            except Exception:  # noqa: BLE001 - no cache, no stored pages: the replica's lag is all a reader sees
                return False
        return changed_at is not None and time.time() - changed_at < settings.NEWSROOM_REPLICA_LAG_SECONDS
