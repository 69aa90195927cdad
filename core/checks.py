"""Deployment checks of our own, reported by `manage.py check --deploy` beside Django's."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Without REDIS_URL the cache is a table of the site's database: correct across processes, but every cached
    page and every rate-limit count is a database query, and the database is what a busy day must spare."""
    if settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: the page cache and rate limits live in the database (the newsroom_cache table).",
            hint="Set REDIS_URL (docs/production.md). A small site may silence newsroom.W001.",
            id="newsroom.W001",
        )
    ]


IN_PROCESS_BACKENDS = {"django_tasks.backends.immediate.ImmediateBackend", "django_tasks.backends.dummy.DummyBackend"}


@checks.register(deploy=True)
def job_backend(app_configs, **kwargs):
    """Jobs run by an in-process backend run inside the request that enqueues them (a hanging mail server holds the
    reader's page) or not at all, and a failure is retried never."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend not in IN_PROCESS_BACKENDS:
        return []
    return [
        checks.Warning(
            f"Background jobs use {backend.rpartition('.')[2]}: they run inside requests or not at all, unretried.",
            hint="Leave DJANGO_TASKS_BACKEND unset (the database backend) and run `manage.py run_jobs` "
            "(docs/production.md).",
            id="newsroom.W002",
        )
    ]
