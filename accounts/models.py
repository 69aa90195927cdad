from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    FACTOR_ADDED = "factor_added", _("second factor added")
    FACTOR_REMOVED = "factor_removed", _("second factor removed")
    RECOVERY_CODES_MADE = "recovery_codes_made", _("recovery codes made")
    RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used to sign in")
    FACTORS_RESET = "factors_reset", _("second factors reset by an administrator")


class SecurityEvent(models.Model):
    """What happened to a staff account's second factors, by whom and when: the audit trail an administrator reads
    after a colleague reports a lost phone, or a factor they did not add."""

    Kind = SecurityEventKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="security_events",
        verbose_name=_("account"),
    )
    # Kept as written at the time, so the trail survives the account's deletion.
    username = models.CharField(_("username"), max_length=150)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        permissions = [("reset_second_factors", _("Can reset a colleague's second factors"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SecurityEventKind.values), name="securityevent_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="securityevent_user_time")]

    def __str__(self):
        return f"{self.username}: {self.get_kind_display()}"
