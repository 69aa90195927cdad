from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Breaking news and live coverage")

    def ready(self):
        from core import pagecache

        from .alerts import alert_came_due, next_alert_expiry
        from .views import INTERVAL_HEADER

        # An alert leaves every cached page the moment it expires, with no write: the page cache purges the alert's
        # tag when its time comes, as for a scheduled article.
        pagecache.register_next_due(next_alert_expiry, alert_came_due)
        # A poll answered 304 still says when to ask again.
        pagecache.register_not_modified_header(INTERVAL_HEADER)
