from django.db import transaction

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
