"""Sending an urgent alert to one browser through its push service (pywebpush: the payload encrypted for that
browser, RFC 8291 aes128gcm, and signed for our VAPID key, RFC 8292), and what the service's answer means."""

import enum
import json
import logging

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext, override
from pywebpush import WebPushException, webpush

logger = logging.getLogger(__name__)

# A push service keeps an undelivered message at most this long (Chromium's limit is four weeks).
MAX_TTL_SECONDS = 28 * 86400


class Outcome(enum.Enum):
    SENT = "sent"
    GONE = "gone"  # 404/410: the browser unsubscribed or the subscription expired; it is deleted
    RETRY = "retry"  # the service is down, overloaded (5xx, 429) or unreachable: tried again later
    REFUSED = "refused"  # any other answer (a payload or key it will never accept): logged, not retried


def push_enabled():
    return bool(settings.NEWSROOM_VAPID_PUBLIC_KEY and settings.NEWSROOM_VAPID_PRIVATE_KEY)


def alert_payload(alert, language):
    """The notification, small JSON: the alert's text in the reader's language (Arabic when it has no other), and the
    page it links to (the article, else the home page) in that language, and the text's language and direction for
    the notification. The tag lets a browser that receives the
    same alert twice (a job run again) show it once."""
    with override(language):
        if alert.article_id is not None and alert.article is not None:
            url = alert.article.get_absolute_url()
        else:
            url = reverse("home")
        title = gettext("Breaking news")
        direction = "rtl" if get_language_bidi() else "ltr"
    body = getattr(alert, f"text_{language}", "") or alert.text_ar or alert.text
    if body == alert.text_ar:
        language, direction = "ar", "rtl"  # an English reader gets the Arabic text, shown as Arabic
    message = {"title": title, "body": body, "url": url, "tag": f"alert-{alert.pk}", "lang": language, "dir": direction}
    return json.dumps(message, ensure_ascii=False)


def alert_ttl(alert, now=None):
    """How long a push service keeps the alert for a browser that is offline: until the alert expires."""
    seconds = int((alert.expires_at - (now or timezone.now())).total_seconds())
    return max(0, min(seconds, MAX_TTL_SECONDS))


def push_send(subscription, *, payload, ttl, topic, session):
    """Send `payload` to one subscription. Returns (Outcome, seconds the service asked us to wait or 0)."""
    try:
        webpush(
            subscription.subscription_info(),
            data=payload,
            vapid_private_key=settings.NEWSROOM_VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.NEWSROOM_VAPID_SUBJECT},  # a new dict: pywebpush writes into it
            ttl=ttl,
            # A second copy of the same alert replaces an undelivered first one at the push service.
            headers={"Topic": topic, "Urgency": "high"},
            timeout=settings.NEWSROOM_PUSH_TIMEOUT_SECONDS,
            requests_session=session,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            return Outcome.GONE, 0
        if status is not None and (status >= 500 or status == 429):
            wait = error.response.headers.get("Retry-After", "")
            return Outcome.RETRY, int(wait) if wait.isdigit() else 0
        logger.warning("Push service refused an alert (%s): %s", status, str(error)[:300])
        return Outcome.REFUSED, 0
    except requests.RequestException as error:
        logger.warning("Push service unreachable: %s", error)
        return Outcome.RETRY, 0
    return Outcome.SENT, 0
