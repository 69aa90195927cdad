from core.pagecache import pages_changed_on_commit


def comment_deleted(sender, instance, **kwargs):
    """A deleted approved comment disappears from its article page: cached pages are stale."""
    if instance.status == instance.Status.APPROVED:
        pages_changed_on_commit()
