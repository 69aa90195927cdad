"""Readers' Web Push subscriptions: where a browser's push service takes the urgent alerts for one reader, the keys
that encrypt them for that browser alone, and the consent the reader gave."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# RFC 8291: the browser's P-256 public key, uncompressed (65 octets), and its authentication secret (16 octets).
P256DH_BYTES = 65
AUTH_BYTES = 16
ENDPOINT_MAX_LENGTH = 1000


class PushSubscription(models.Model):
    """One browser that asked for the urgent alerts. The endpoint, an address at the browser's push service, is the
    only link to a person; nothing else about the reader is kept."""

    endpoint = models.URLField(_("push service address"), max_length=ENDPOINT_MAX_LENGTH)
    p256dh = models.CharField(_("browser's public key"), max_length=100)
    auth = models.CharField(_("browser's authentication secret"), max_length=30)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    consented_at = models.DateTimeField(_("consent given"), default=timezone.now)
    policy_version = models.PositiveIntegerField(_("policy version agreed to"))
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["endpoint"], name="push_subscription_endpoint_unique"),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="push_subscription_language_known",
            ),
            models.CheckConstraint(condition=Q(policy_version__gte=1), name="push_subscription_policy_version"),
        ]

    def __str__(self):
        return self.endpoint[:80]

    def subscription_info(self):
        """What pywebpush sends to."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
