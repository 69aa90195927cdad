"""
An optional read replica (DATABASE_REPLICA_URL) for what anonymous readers ask for: their GETs read from the
replica, everything else (writes, staff, forms) uses the primary. A reader never writes during a GET, so the
replica's few seconds of lag only delay what a page shows by that much; the page cache delays it more anyway.
"""

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
anonymous_read = ContextVar("anonymous_read", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if anonymous_read.get() and replica_configured() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied: objects from either may refer to each other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Marks anonymous GETs (no session cookie), for the router above, for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous = request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES
        token = anonymous_read.set(anonymous)
        try:
            return self.get_response(request)
        finally:
            anonymous_read.reset(token)
