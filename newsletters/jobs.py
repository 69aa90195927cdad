"""The newsletters' jobs (Django's tasks interface; core/jobs.py retries them): the confirmation mail of a
sign-up, an urgent alert's mailings, and the batches that send a mailing."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override
from django_tasks import task

from core.jobs import forget_when_done
from core.mail import deliver


@forget_when_done
@task()
def confirmation_send(*, request_id: str, token: str, email: str, language: str) -> bool:
    """Mail the signed confirmation link of a sign-up, once per sign-up (core.mail.deliver). The job's row holds
    the address: it is deleted as soon as the job succeeds."""
    from .messages import site_url

    with override(language):
        link = site_url(reverse("newsletters:confirm", args=[token]))
        subject = _("Confirm your newsletter subscription")
        days = settings.NEWSROOM_NEWSLETTER_CONFIRM_DAYS
        body = ngettext(
            "Someone, probably you, asked for our newsletters at this address. To confirm, open this link within "
            "%(days)s day: %(link)s\n\nIf it was not you, ignore this message: nothing will be sent and the request "
            "will be deleted.",
            "Someone, probably you, asked for our newsletters at this address. To confirm, open this link within "
            "%(days)s days: %(link)s\n\nIf it was not you, ignore this message: nothing will be sent and the "
            "request will be deleted.",
            days,
        ) % {"days": days, "link": link}
    return deliver(key=f"newsletter-confirm:{request_id}", subject=subject, body=body, to=[email])


@task()
def alert_mailings_start(*, alert_id: int) -> int:
    """Make an urgent alert's mailings and their batches (enqueued when it was published). Returns how many."""
    from live.models import UrgentAlert

    from .services.mailings import alert_mailings_create

    # Withdrawn (or expired) before its mail went out, it is no longer news to send.
    alert = UrgentAlert.objects.showing().select_related("article").filter(pk=alert_id).first()
    if alert is None:
        return 0
    return len(alert_mailings_create(alert=alert))


@task()
def mailing_send_batch(*, mailing_id: int, subscriber_ids: list[int]) -> int:
    """Send a mailing to one batch of subscribers over one connection (newsletters/sending.py). Returns how many
    the server took."""
    from .sending import batch_send

    return batch_send(mailing_id=mailing_id, subscriber_ids=subscriber_ids)
