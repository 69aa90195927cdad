from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self):
        from comments.privacy import register_personal_data
        from live.signals import alert_published

        from . import privacy
        from .signal_handlers import alert_published_mail

        alert_published.connect(alert_published_mail, dispatch_uid="newsletters_alert_mail")
        # A subscriber's rights over their data go through the commenters' privacy requests (comments/privacy.py),
        # which know nothing of newsletters: the export and erasure are handed to them here.
        register_personal_data("newsletters", export=privacy.subscriptions_export, erase=privacy.subscriptions_erase)
