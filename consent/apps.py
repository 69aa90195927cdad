from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Cookie consent and privacy policy")

    def ready(self):
        from core import pagecache

        from . import signal_handlers
        from .state import POLICY_CACHE_KEY, consent_state

        signal_handlers.connect()
        # Cached pages differ by which banner a reader's choice shows; the policy version in force is read with the
        # page cache's generation, in the same round trip.
        pagecache.register_variant(lambda request: consent_state(request).variant)
        pagecache.register_prefetch(POLICY_CACHE_KEY, "_policy_version")
