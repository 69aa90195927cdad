"""Sending a batch of one mailing: one SMTP connection for the batch, one message per recipient with its own
one-click unsubscribe (RFC 8058), and a Delivery row right after the server took it, so a batch run again (a
retry, a worker killed) sends nobody twice.

What the server says decides what happens: a permanent refusal of one recipient (5xx) is recorded and the batch
goes on; anything temporary (4xx, a connection refused or dropped, a timeout) stops the batch with an exception,
and core/jobs.py retries the job later: the recipients already served are skipped, the others are not lost."""

import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import override

from .messages import UNSUBSCRIBE_MARK, site_url
from .models import Delivery, Mailing, Subscriber
from .tokens import unsubscribe_token

logger = logging.getLogger(__name__)


def unsubscribe_url(subscriber, kind=None) -> str:
    """The subscriber's unsubscribe link: from the list `kind` (a Mailing.Kind: the list a message came from, which
    RFC 8058's one click leaves), or from everything."""
    with override(subscriber.language):
        address = site_url(reverse("newsletters:unsubscribe", args=[unsubscribe_token(subscriber.key)]))
    return f"{address}?list={kind}" if kind else address


def _message_id(mailing, subscriber) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    digest = hashlib.sha256(f"{mailing.key}:{subscriber.pk}".encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def message_for(mailing, subscriber, connection=None) -> EmailMultiAlternatives:
    link = unsubscribe_url(subscriber, mailing.kind)
    headers = {
        "Message-ID": _message_id(mailing, subscriber),
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<{mailing.kind}.{mailing.language}.newsletters.{_list_domain()}>",
        "Auto-Submitted": "auto-generated",
    }
    message = EmailMultiAlternatives(
        mailing.subject,
        mailing.text.replace(UNSUBSCRIBE_MARK, link),
        to=[subscriber.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(mailing.html.replace(UNSUBSCRIBE_MARK, link), "text/html")
    return message


def _list_domain():
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"


def _record(mailing, subscriber, outcome) -> bool:
    try:
        with transaction.atomic():
            Delivery.objects.create(mailing=mailing, subscriber=subscriber, outcome=outcome)
    except IntegrityError:
        return False  # another run of this batch recorded it first
    return True


def _code(error) -> int:
    """The SMTP reply code of a refusal: of the (only) recipient refused at RCPT, or of the message at DATA."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return next(iter(error.recipients.values()))[0]
    return error.smtp_code


def batch_send(*, mailing_id: int, subscriber_ids: list[int]) -> int:
    """Send mailing `mailing_id` to those of `subscriber_ids` still subscribed to its list and not served yet.
    Returns how many messages the server took."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or not _still_news(mailing):
        return 0
    served = set(
        Delivery.objects.filter(mailing=mailing, subscriber_id__in=subscriber_ids).values_list(
            "subscriber_id", flat=True
        )
    )
    recipients = list(
        Subscriber.objects.receiving(mailing.kind, mailing.language)
        .filter(pk__in=set(subscriber_ids) - served)
        .order_by("pk")
        .only("pk", "email", "language", "key")
    )
    if not recipients:
        return 0
    sent, deferred = 0, []
    connection = get_connection(fail_silently=False)
    connection.open()
    try:
        for subscriber in recipients:
            try:
                message_for(mailing, subscriber, connection).send()
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as refused:
                code = _code(refused)
                if code < 500:
                    # Temporary, for this recipient: the rest of the batch goes on, and the job is retried for
                    # those deferred (the others are recorded as served).
                    deferred.append(subscriber.pk)
                    continue
                logger.warning("Mailing %s: subscriber %s refused for good (%s)", mailing.pk, subscriber.pk, code)
                _record(mailing, subscriber, Delivery.Outcome.REFUSED)
                continue
            sent += _record(mailing, subscriber, Delivery.Outcome.SENT)
    finally:
        connection.close()
    if deferred:
        raise DeferredRecipients(f"mailing {mailing.pk}: {len(deferred)} recipient(s) deferred, sent {sent}")
    return sent


class DeferredRecipients(Exception):
    """Some recipients of a batch were refused for now (4xx): the job fails, and its retry sends to them only."""


def _still_news(mailing):
    """An urgent alert's mailing goes out only while the alert still shows (withdrawn or expired, it is not news)."""
    if mailing.kind != Mailing.Kind.ALERT:
        return True
    from live.models import UrgentAlert

    alert_id = mailing.key.split(":")[1] if mailing.key.startswith("alert:") else ""
    return alert_id.isdigit() and UrgentAlert.objects.showing().filter(pk=int(alert_id)).exists()
