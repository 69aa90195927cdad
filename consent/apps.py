from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Cookie consent and privacy policy")

    def ready(self):
        from . import signal_handlers

        signal_handlers.connect()
