"""The push app's jobs (Django's tasks interface, core/jobs.py runs them): an urgent alert sent to every
subscribed browser, in batches.

A batch's failures that may pass (a push service's 5xx or 429, a network error) are retried in a job of their own,
for those subscriptions only, after core/jobs.py's backoff; the others are not sent twice. A batch run again after
its worker was killed sends again to the browsers it reached: the Topic header (the push service replaces the
undelivered copy) and the notification's tag (the browser replaces the shown one) make the reader see it once."""

import logging

import requests
from django.conf import settings
from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def push_alert_fan_out(*, alert_id: int) -> int:
    """Split the subscribers into batches, a job each. Returns how many batches."""
    from .models import PushSubscription

    ids = list(PushSubscription.objects.order_by("pk").values_list("pk", flat=True))
    size = settings.NEWSROOM_PUSH_BATCH
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    with transaction.atomic():
        for batch in batches:
            push_alert_send.enqueue(alert_id=alert_id, ids=batch, attempt=1)
    return len(batches)


@task()
def push_alert_send(*, alert_id: int, ids: list[int], attempt: int) -> int:
    """Send the alert to the subscriptions `ids` (those still there): delete the ones their push service says are
    gone, try again later those it could not take now. An alert withdrawn or expired meanwhile is not sent. Returns
    how many were sent."""
    from core.jobs import enqueue_later, retry_delay
    from live.models import UrgentAlert

    from .models import PushSubscription
    from .sending import Outcome, alert_payload, alert_ttl, push_enabled, push_send
    from .services.subscriptions import subscription_remove

    alert = UrgentAlert.objects.select_related("article").filter(pk=alert_id).first()
    if alert is None or not alert.is_showing() or not push_enabled():
        return 0
    payloads, ttl, sent, again, wait = {}, alert_ttl(alert), 0, [], 0
    with requests.Session() as session:
        for subscription in PushSubscription.objects.filter(pk__in=ids).order_by("pk"):
            if subscription.language not in payloads:
                payloads[subscription.language] = alert_payload(alert, subscription.language)
            outcome, asked = push_send(
                subscription, payload=payloads[subscription.language], ttl=ttl, topic=f"alert-{alert.pk}",
                session=session,
            )  # fmt: skip
            if outcome is Outcome.SENT:
                sent += 1
            elif outcome is Outcome.GONE:
                subscription_remove(endpoint=subscription.endpoint)
            elif outcome is Outcome.RETRY:
                again.append(subscription.pk)
                wait = max(wait, asked)
    if again:
        if attempt < settings.NEWSROOM_JOB_ATTEMPTS:
            seconds = max(retry_delay(attempt).total_seconds(), min(wait, settings.NEWSROOM_JOB_RETRY_MAX_SECONDS))
            enqueue_later(push_alert_send, seconds=seconds, alert_id=alert_id, ids=again, attempt=attempt + 1)
        else:
            logger.error("Alert %s not pushed to %s subscription(s) after %s attempts", alert_id, len(again), attempt)
    return sent
