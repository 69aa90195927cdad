"""A reader subscribes to the urgent alerts, or stops; the job queue removes what a push service says is gone."""

from django.db import transaction
from django.utils import timezone

from ..models import PushSubscription
from ..validation import Subscription


def subscription_record(*, subscription: Subscription, language: str, policy_version: int) -> PushSubscription:
    """Store (or renew, if the browser subscribed before) a subscription with the consent given now: which policy
    version the reader agreed to, and when."""
    with transaction.atomic():
        stored, _created = PushSubscription.objects.update_or_create(
            endpoint=subscription.endpoint,
            defaults={
                "p256dh": subscription.p256dh,
                "auth": subscription.auth,
                "language": language,
                "policy_version": policy_version,
                "consented_at": timezone.now(),
            },
        )
    return stored


def subscription_remove(*, endpoint: str) -> bool:
    """Forget a subscription: the reader's unsubscribe, or a push service's 404/410. Returns whether there was one."""
    with transaction.atomic():
        return PushSubscription.objects.filter(endpoint=endpoint).delete()[0] > 0
