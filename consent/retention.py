from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ConsentRecord


def purge_consent_log(*, now=None, dry_run=False):
    """Delete consent records older than NEWSROOM_CONSENT_LOG_RETENTION_DAYS; returns how many (would) go.
    Idempotent and safe to run concurrently: one set-based DELETE."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.NEWSROOM_CONSENT_LOG_RETENTION_DAYS)
    old = ConsentRecord.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted
