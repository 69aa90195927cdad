import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_key():
    return secrets.token_urlsafe(24)


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def of_address(self, email):
        return self.filter(email__iexact=email.strip())

    def receiving(self, kind, language):
        """Confirmed subscribers of list `kind` (a Mailing.Kind) in `language`."""
        wanted = {"digest": True} if kind == Mailing.Kind.DIGEST else {"alerts": True}
        return self.confirmed().filter(language=language, **wanted)


class Subscriber(models.Model):
    """An address that asked for the daily digest and/or urgent alerts, with the consent it gave: when, to which
    version of the privacy policy, and for which lists. Pending until the owner opens the confirmation link;
    unsubscribing deletes the row."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("subscription", "Waiting for confirmation")
        CONFIRMED = "confirmed", pgettext_lazy("subscription", "Confirmed")

    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ARABIC)
    digest = models.BooleanField(_("daily digest"), default=False)
    alerts = models.BooleanField(_("urgent alerts"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The secret the unsubscribe link signs (newsletters/tokens.py): one per subscriber, never shown.
    key = models.CharField(_("key"), max_length=40, default=new_key, editable=False)
    consent_at = models.DateTimeField(_("consent given at"))
    consent_version = models.PositiveIntegerField(_("privacy policy version agreed to"))
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        permissions = [("view_subscriber_address", _("Can see subscribers' e-mail addresses"))]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletters_subscriber_email_unique"),
            models.UniqueConstraint(fields=["key"], name="newsletters_subscriber_key_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "confirmed"]), name="newsletters_subscriber_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["ar", "en"]), name="newsletters_subscriber_language"
            ),
            models.CheckConstraint(
                condition=models.Q(digest=True) | models.Q(alerts=True), name="newsletters_subscriber_some_list"
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(confirmed_at__isnull=False),
                name="newsletters_subscriber_confirmed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "language"], name="newsletters_sub_status_lang"),
            models.Index(fields=["status", "created_at"], name="newsletters_sub_status_created"),
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def lists(self):
        return [name for name in ("digest", "alerts") if getattr(self, name)]


class Mailing(models.Model):
    """One message to a list in one language: a day's digest, or an urgent alert. Rendered once; each recipient's
    copy only differs by its unsubscribe link."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Daily digest")
        ALERT = "alert", _("Urgent alert")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # What makes it once only: "digest:2026-12-04:ar", "alert:17:en".
    key = models.CharField(_("key"), max_length=80)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("plain text"))
    html = models.TextField(_("HTML"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        constraints = [
            models.UniqueConstraint(fields=["key"], name="newsletters_mailing_key_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=["digest", "alert"]), name="newsletters_mailing_kind"),
            models.CheckConstraint(condition=models.Q(language__in=["ar", "en"]), name="newsletters_mailing_language"),
        ]

    def __str__(self):
        return self.key


class Delivery(models.Model):
    """A mailing handed to the mail server for one subscriber (or refused by it for good): what makes a retried
    batch send nobody twice."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        REFUSED = "refused", _("Refused by the mail server")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("mailing"))
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscriber")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SENT)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "subscriber"], name="newsletters_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["sent", "refused"]), name="newsletters_delivery_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.mailing_id}→{self.subscriber_id}"
