from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..categories import OPTIONAL_CATEGORIES
from ..models import ConsentRecord, PolicyVersion


@transaction.atomic
def consent_record_choice(
    *, consent_id: str, categories: set[str], method: str, policy_version: int, language: str, gpc: bool
) -> ConsentRecord:
    """Log one cookie choice against the reader's pseudonymous consent id, as proof of what they chose."""
    policy = PolicyVersion.objects.get(number=policy_version)
    return ConsentRecord.objects.create(
        consent_id=consent_id,
        method=method,
        policy_version=policy,
        language=language,
        gpc=gpc,
        **{name: name in categories for name in OPTIONAL_CATEGORIES},
    )


def consent_records_purge(*, now=None, dry_run=False):
    """Delete consent records older than NEWSROOM_CONSENT_LOG_RETENTION_DAYS; returns how many (would) go.
    Idempotent and safe to run concurrently: one set-based DELETE."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.NEWSROOM_CONSENT_LOG_RETENTION_DAYS)
    old = ConsentRecord.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted
