"""Mailings, as the writes they are: a day's digest or an urgent alert made into a Mailing once, and its
recipients split into batches, each a job (newsletters/jobs.py)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..messages import alert_message, digest_message
from ..models import Mailing, Subscriber


def mailing_batches_enqueue(*, mailing: Mailing) -> int:
    """One job per NEWSROOM_NEWSLETTER_BATCH_SIZE recipients of `mailing`'s list, in the caller's transaction.
    Returns how many jobs."""
    from ..jobs import mailing_send_batch

    ids = list(Subscriber.objects.receiving(mailing.kind, mailing.language).order_by("pk").values_list("pk", flat=True))
    size = settings.NEWSROOM_NEWSLETTER_BATCH_SIZE
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    for batch in batches:
        mailing_send_batch.enqueue(mailing_id=mailing.pk, subscriber_ids=batch)
    return len(batches)


def _mailing_create(*, kind, language, key, message) -> Mailing | None:
    """The mailing `key` and its batches, unless it exists already (then None: it was sent, or is being)."""
    if message is None:
        return None
    subject, text, html = message
    with transaction.atomic():
        mailing, created = Mailing.objects.get_or_create(
            key=key, defaults={"kind": kind, "language": language, "subject": subject[:300], "text": text, "html": html}
        )
        if not created:
            return None
        mailing_batches_enqueue(mailing=mailing)
    return mailing


def digest_create(*, now=None) -> list[Mailing]:
    """Today's digest in each language (`manage.py send_digest`, from cron): once per day and language, however
    often it runs. Returns the mailings made now."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    made = []
    for language, _name in settings.LANGUAGES:
        if not Subscriber.objects.receiving(Mailing.Kind.DIGEST, language).exists():
            continue
        key = f"digest:{day}:{language}"
        if Mailing.objects.filter(key=key).exists():
            continue
        mailing = _mailing_create(
            kind=Mailing.Kind.DIGEST, language=language, key=key, message=digest_message(language=language, now=now)
        )
        if mailing is not None:
            made.append(mailing)
    return made


def alert_mailings_create(*, alert) -> list[Mailing]:
    """An urgent alert, mailed to the alert list in each language it has a text in, once."""
    made = []
    for language, _name in settings.LANGUAGES:
        mailing = _mailing_create(
            kind=Mailing.Kind.ALERT,
            language=language,
            key=f"alert:{alert.pk}:{language}",
            message=alert_message(alert=alert, language=language),
        )
        if mailing is not None:
            made.append(mailing)
    return made
