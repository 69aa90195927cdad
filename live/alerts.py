"""
The urgent alert as reader pages read it: the alerts showing now, kept in the shared cache so that drawing a page
costs no query for them, and the page-cache tag every page that shows the bar (every reader page) carries.

Who writes the cached state: the services, once their change commits (live/services/alerts.py), with `set`, and
again from the job queue a few seconds later (two changes committed at the same moment could otherwise leave the
state between them); a page that finds nothing cached reads the database and stores what it read with `add`, which
never overwrites a newer state a service stored meanwhile. Expiry needs no write: the cached state holds each
alert's expiry and the bar shows only alerts not yet expired, while the page cache purges ALERT_TAG when an expiry
comes (alert_came_due).
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

ALERT_TAG = "alert"
ALERTS_CACHE_KEY = "live:alerts"
# The most alerts a page considers: only the newest showing one is shown; the others wait in case it expires first.
ALERTS_KEPT = 5
# How long the cached state is kept: the services write it at every change; this bounds how long a state written out
# of order (two changes at the same moment) could last were the job that reads it again a few seconds later lost.
ALERTS_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ShownAlert:
    """What the bar shows of an alert, in each language, and until when."""

    pk: int
    texts: dict
    article: tuple | None  # (pk, slug) of the article it links to
    expires: float  # POSIX time

    def text(self, language):
        return self.texts.get(language) or ""


def _read_showing():
    from .models import UrgentAlert

    alerts = (
        UrgentAlert.objects.showing()
        .select_related("article")
        .only("pk", "expires_at", "article__id", "article__slug", *(f"text_{code}" for code, _n in settings.LANGUAGES))
        .order_by("-created_at", "-id")[:ALERTS_KEPT]
    )
    return [
        {
            "pk": alert.pk,
            "texts": {code: getattr(alert, f"text_{code}") or "" for code, _name in settings.LANGUAGES},
            "article": [alert.article.pk, alert.article.slug] if alert.article is not None else None,
            "expires": alert.expires_at.timestamp(),
        }
        for alert in alerts
    ]


def alerts_forget():
    """Drop the cached state (a service calls it as it changes an alert; the next page reads the database)."""
    try:
        cache.delete(ALERTS_CACHE_KEY)
    except Exception:
        logger.warning("Urgent alerts not forgotten: the cache is unavailable", exc_info=True)


def alerts_remember():
    """Store the alerts showing now in the shared cache (a service calls it once its change has committed)."""
    try:
        cache.set(ALERTS_CACHE_KEY, _read_showing(), timeout=ALERTS_CACHE_SECONDS)
    except Exception:
        logger.warning("Urgent alerts not cached: the cache is unavailable", exc_info=True)


def current_alert(language):
    """The alert the bar shows in `language` now (a ShownAlert), or None: the newest one not expired that has text
    in that language. No query when the shared cache holds the state."""
    try:
        showing = cache.get(ALERTS_CACHE_KEY)
    except Exception:
        logger.warning("Urgent alerts read from the database: the cache is unavailable", exc_info=True)
        showing = None
    if showing is None:
        showing = _read_showing()
        try:
            cache.add(ALERTS_CACHE_KEY, showing, timeout=ALERTS_CACHE_SECONDS)
        except Exception:  # noqa: BLE001, S110 - already logged above; the page is drawn all the same
            pass
    now = time.time()
    for alert in showing:
        if alert["expires"] > now and alert["texts"].get(language):
            return ShownAlert(
                pk=alert["pk"],
                texts=alert["texts"],
                article=tuple(alert["article"]) if alert["article"] else None,
                expires=alert["expires"],
            )
    return None


def next_alert_expiry():
    """When the next showing alert expires (a POSIX time), or None: the page cache asks."""
    from .models import UrgentAlert

    expiry = UrgentAlert.objects.showing().order_by("expires_at").values_list("expires_at", flat=True).first()
    return expiry.timestamp() if expiry else None


def alert_came_due(since, until):
    """The tags to purge when alerts expired between two POSIX times (the page cache asks)."""
    from .models import UrgentAlert

    start, end = (datetime.fromtimestamp(moment, tz=UTC) for moment in (since, until))
    expired = UrgentAlert.objects.filter(withdrawn_at__isnull=True, expires_at__gte=start, expires_at__lte=end)
    return {ALERT_TAG} if expired.exists() else set()
