"""Publishing the privacy policy: a new version gets the next number; a version not yet in effect may be revised
or withdrawn. The post_save / post_delete handlers tell every worker and the page cache."""

from django.db import transaction
from django.db.models import Max

from ..models import PolicyVersion


def policy_version_publish(*, version: PolicyVersion, by) -> PolicyVersion:
    """
    Store a new version under the next number, recording who wrote it. Two editors publishing at once: the second
    waits for the first's lock on the newest version, then counts from the number the first took. When there is
    no version yet there is nothing to lock, and the unique number makes the database refuse the second
    (IntegrityError) rather than keep two versions under one number.
    """
    with transaction.atomic():
        list(PolicyVersion.objects.select_for_update().order_by("-number")[:1])
        version.number = (PolicyVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        version.created_by = by
        version.save()
    return version


def policy_version_revise(*, version: PolicyVersion) -> PolicyVersion:
    """Save edits to a version that has its number; the admin offers this only before the version takes effect
    (readers' consent records point at the versions in effect)."""
    with transaction.atomic():
        version.save()
    return version


def policy_version_withdraw(*, version: PolicyVersion) -> None:
    """Delete a version that is not in effect yet (one in effect is protected by the consent records that point
    at it and by the admin's delete permission)."""
    with transaction.atomic():
        version.delete()
