"""Deployment checks of our own, reported by `manage.py check --deploy` beside Django's."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Without REDIS_URL each worker has a cache of its own: a purge (publishing, approving a comment) reaches the
    worker that made it only, the others serve old pages, and rate limits count per worker."""
    if settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: each worker process keeps its own page cache and rate limits.",
            hint="Set REDIS_URL (docs/production.md). A single-process site may silence newsroom.W001.",
            id="newsroom.W001",
        )
    ]
