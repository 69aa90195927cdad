from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "push"
    verbose_name = _("Web Push alerts")

    def ready(self):
        from live.signals import alert_published

        from .signal_handlers import alert_published_push

        alert_published.connect(alert_published_push, dispatch_uid="push.alert_published")
