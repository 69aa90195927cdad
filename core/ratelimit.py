"""Fixed-window counters in the shared cache (Redis in production), so the limits hold across workers."""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def over_limit(key: str, limit: int, window: int) -> bool:
    """Count one more event for `key` in the current window; True once the count passes `limit`.

    If the cache is unreachable the event is let through (and logged): what is limited here (comments, which wait
    for a moderator anyway; cookie choices) is cheap to accept, and refusing all readers because Redis is down
    would be worse.
    """
    bucket = f"rate:{key}:{int(time.time() // window)}"
    try:
        if cache.add(bucket, 1, timeout=window):
            return 1 > limit
        return cache.incr(bucket) > limit
    except Exception:
        logger.warning("Rate limit not applied: the cache is unavailable", exc_info=True)
        return False
