"""The live app's jobs (Django's tasks interface, core/jobs.py runs them)."""

from django_tasks import task


@task()
def alerts_refresh() -> bool:
    """Read the alerts showing again and purge every page's urgent bar: a few seconds after every alert change, so
    that two changes committed at the same moment cannot leave the shared cache holding the state between them
    (live/alerts.py)."""
    from core.pagecache import pages_purge

    from .alerts import ALERT_TAG, alerts_remember

    alerts_remember()
    pages_purge({ALERT_TAG})
    return True
