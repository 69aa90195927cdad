from django.db.models.signals import post_delete, post_save

from .models import PolicyVersion
from .state import forget_policy_version


def policy_changed(sender, instance, raw=False, **kwargs):
    """A new or changed policy version takes effect for every worker at once (the number lives in the shared
    cache)."""
    if not raw:
        from django.db import transaction

        forget_policy_version()
        # And again once committed: a reader served in between may have cached the number from before.
        transaction.on_commit(forget_policy_version)
        from core.pagecache import SITE_TAG, pages_purge_on_commit

        # Every page shows the banner, which asks again under a new version.
        pages_purge_on_commit({SITE_TAG})


def connect():
    post_save.connect(policy_changed, sender=PolicyVersion, dispatch_uid="consent.policy_saved")
    post_delete.connect(policy_changed, sender=PolicyVersion, dispatch_uid="consent.policy_deleted")
