"""Subscribers, as the writes they are: a sign-up (pending), its confirmation, unsubscribing, erasure and the
expiry of sign-ups never confirmed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ..models import Subscriber


def subscriber_sign_up(*, email: str, digest: bool, alerts: bool, language: str, consent_version: int, consent_at):
    """Record a sign-up waiting for confirmation, unless the address is known already (then nothing changes until
    its owner confirms: a stranger cannot change someone's lists). The confirmation mail is the caller's job."""
    with transaction.atomic():
        if not Subscriber.objects.of_address(email).exists():
            Subscriber.objects.create(
                email=email.strip().lower(),
                digest=digest,
                alerts=alerts,
                language=language,
                consent_version=consent_version,
                consent_at=consent_at,
            )


# A sign-up's consent time is taken just before its row is made: this much earlier still belongs to that row.
SIGN_UP_GRACE = timedelta(minutes=1)


def subscriber_confirm(*, data: dict) -> Subscriber | None:
    """The owner opened the confirmation link: the lists, language and consent it carries are in force from now.
    None when the link no longer belongs to a sign-up: the row it was for has gone (unsubscribed, erased, expired)
    or is newer than the link (signed up again since), so an old link cannot subscribe anyone again."""
    with transaction.atomic():
        fields = {
            "digest": data["digest"],
            "alerts": data["alerts"],
            "language": data["language"] if data["language"] in ("ar", "en") else "ar",
            "consent_version": data["version"],
            "consent_at": datetime.fromisoformat(data["at"]),
            "status": Subscriber.Status.CONFIRMED,
        }
        subscriber = Subscriber.objects.select_for_update().of_address(data["email"]).first()
        if subscriber is None or fields["consent_at"] < subscriber.created_at - SIGN_UP_GRACE:
            return None
        for name, value in fields.items():
            setattr(subscriber, name, value)
        subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
        subscriber.save()
    return subscriber


# A list as a message's unsubscribe link names it (Mailing.Kind), and the subscriber's field for it.
LIST_FIELDS = {"digest": "digest", "alert": "alerts"}


def subscriber_unsubscribe(*, key: str, kind: str | None = None) -> bool:
    """One click in a message: off the list `kind` (`digest`, `alert`) at once, or off every list. A subscriber
    left on no list is deleted, with the record of what was sent to it. Returns whether anything changed."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
        if subscriber is None:
            return False
        field = LIST_FIELDS.get(kind)
        others = [name for name in LIST_FIELDS.values() if name != field and getattr(subscriber, name)]
        if field is None or not others:
            subscriber.delete()
            return True
        if not getattr(subscriber, field):
            return False
        setattr(subscriber, field, False)
        subscriber.save(update_fields=[field])
        return True


def subscriptions_erase(*, email: str) -> int:
    """A privacy request's erasure: every subscription of the address goes, with its consent record."""
    with transaction.atomic():
        count = Subscriber.objects.of_address(email).count()
        Subscriber.objects.of_address(email).delete()
        # A confirmation link not mailed yet (kept for retrying) holds the address too.
        DBTaskResult.objects.filter(
            task_path="newsletters.jobs.confirmation_send", args_kwargs__kwargs__email__iexact=email
        ).exclude(status="RUNNING").delete()
    return count


def subscribers_expire(*, now=None, dry_run=False) -> int:
    """Sign-ups not confirmed within NEWSROOM_NEWSLETTER_CONFIRM_DAYS (their link no longer works) are deleted
    (`manage.py apply_retention`). Returns how many (would) go."""
    now = now or timezone.now()
    old = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING,
        created_at__lt=now - timedelta(days=settings.NEWSROOM_NEWSLETTER_CONFIRM_DAYS),
    )
    if dry_run:
        return old.count()
    return old.delete()[0]
