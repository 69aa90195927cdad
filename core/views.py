"""Views of the site's infrastructure: the health check, the 404 handler that survives a database outage, and the
benchmark's ceiling."""

import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


def page_not_found(request, exception):
    """Django's 404 page, or the database-down page (503) when the 404 page itself cannot be drawn."""
    from django.db import DatabaseError
    from django.views.defaults import page_not_found as default_page_not_found

    from .middleware import DatabaseUnavailableMiddleware

    try:
        return default_page_not_found(request, exception)
    except DatabaseError as error:
        return DatabaseUnavailableMiddleware(None).process_exception(request, error)


@never_cache
def bench_ceiling(request):
    """A constant page the size of an article page: what Django itself costs, for `make bench` to compare with."""
    return HttpResponse(b"x" * settings.NEWSROOM_BENCH_CEILING_BYTES, content_type="text/html; charset=utf-8")


def _check_database():
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"; the class name says which
        return {"ok": False, "vendor": connection.vendor, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _check_cache():
    started = time.perf_counter()
    cache = caches["default"]
    backend = type(cache).__name__
    try:
        cache.set("healthz", "ok", timeout=10)
        ok = cache.get("healthz") == "ok"
    except Exception as error:  # noqa: BLE001 - a dead cache must be reported, not raised
        return {"ok": False, "backend": backend, "error": type(error).__name__}
    return {"ok": ok, "backend": backend, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


@never_cache
def healthz(request):
    """
    Machine-readable health for load balancers and monitoring, with the job queue's depth and the age of its
    oldest waiting job.

    503 when the database is unreachable (this worker cannot serve pages); 200 with status "degraded" when only the
    cache is down, since pages are still served, uncached.
    """
    database, cache_state = _check_database(), _check_cache()
    if not database["ok"]:
        status, code = "error", 503
    elif not cache_state["ok"]:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    report = {"status": status, "database": database, "cache": cache_state}
    if database["ok"]:
        report["jobs"] = _check_jobs()
    return JsonResponse(report, status=code)


def _check_jobs():
    """The job queue as monitoring watches it (docs/production.md): jobs waiting to run now, how long the oldest
    has waited, the failed jobs kept."""
    from .jobs import queue_state

    try:
        return queue_state()
    except DatabaseError as error:
        return {"error": type(error).__name__}
