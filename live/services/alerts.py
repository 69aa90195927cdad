"""Urgent alerts: publishing one line of breaking news on every reader page, and withdrawing it."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.page_tags import pages_schedule_changed_on_commit
from core.jobs import enqueue_later
from core.pagecache import pages_purge_on_commit

from ..alerts import ALERT_TAG, alerts_forget, alerts_remember
from ..jobs import alerts_refresh
from ..models import LiveAction, LiveEvent, UrgentAlert
from ..signals import alert_published

# The alerts read again this long after a change (live/jobs.py).
REFRESH_SECONDS = 5


def _shown_everywhere_on_commit():
    """Every reader page shows the bar: the cached state and every page, now and once the change commits (as
    pages_purge_on_commit does: a page drawn in between from the state before it is not kept), and again a few
    seconds later from the job queue."""
    alerts_forget()
    transaction.on_commit(alerts_remember)
    pages_purge_on_commit({ALERT_TAG})
    enqueue_later(alerts_refresh, seconds=REFRESH_SECONDS)
    # Its expiry is a scheduled change the page cache waits for.
    pages_schedule_changed_on_commit()


def alert_publish(*, text_ar: str, text_en: str = "", article=None, expires_at: datetime, by) -> UrgentAlert:
    """Show an alert at the top of every reader page from now until `expires_at` (in English where `text_en` is
    given). Raises ValidationError for an empty Arabic text or a time already past."""
    now = timezone.now()
    alert = UrgentAlert(
        text_ar=" ".join(text_ar.split()),
        text_en=" ".join(text_en.split()),
        article=article,
        created_at=now,
        expires_at=expires_at,
        created_by=by,
    )
    if not alert.text_ar:
        raise ValidationError({"text_ar": _("An alert needs Arabic text.")}, code="required")
    if expires_at <= now:
        raise ValidationError({"expires_at": _("An alert expires after it is published.")}, code="expired")
    with transaction.atomic():
        alert.save()
        LiveEvent.objects.create(by=by, action=LiveAction.ALERT_PUBLISHED, alert=alert, article=article)
        _shown_everywhere_on_commit()
        alert_published.send(sender=UrgentAlert, alert=alert)
    return alert


def alert_withdraw(*, alert: UrgentAlert, by) -> None:
    """Take an alert off every page now. Withdrawing one already withdrawn changes nothing."""
    with transaction.atomic():
        updated = UrgentAlert.objects.filter(pk=alert.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=by
        )
        if not updated:
            return
        LiveEvent.objects.create(by=by, action=LiveAction.ALERT_WITHDRAWN, alert=alert, article_id=alert.article_id)
        _shown_everywhere_on_commit()
    alert.refresh_from_db(fields=["withdrawn_at", "withdrawn_by"])
