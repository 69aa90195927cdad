"""The privacy & cookies policy (versioned: a new version asks readers again) and the log of readers' cookie
choices, kept against a pseudonymous consent id as proof of consent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField, create_sanitizer

from articles.sanitize import sanitize_saved_translations

from .categories import OPTIONAL_CATEGORIES

# What the policy editor offers; the same list sanitises the text when it is saved and again when it is shown.
POLICY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}
clean_policy = create_sanitizer(POLICY_EXTENSIONS)


class PolicyVersionQuerySet(models.QuerySet):
    def in_effect(self, now=None):
        """Versions whose time has come, newest first: the first one is the policy readers are asked about."""
        return self.filter(effective_at__lte=now or timezone.now()).order_by("-number")


class PolicyVersion(models.Model):
    """One version of the privacy & cookies policy. A version in effect is never edited: a change is a new version,
    which asks every reader for their cookie choice again."""

    number = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    body = ProseEditorField(_("text"), extensions=POLICY_EXTENSIONS, sanitize=clean_policy)
    changes = models.CharField(
        _("what changed"), max_length=300, blank=True, help_text=_("Shown to readers above the policy.")
    )
    effective_at = models.DateTimeField(
        _("in effect from"),
        default=timezone.now,
        help_text=_("Readers are asked again for their cookie choices from this time on."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="policy_version_number_positive")]
        indexes = [models.Index(fields=["effective_at", "number"], name="policy_version_effective")]

    def __str__(self):
        return _("Version %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs):
        sanitize_saved_translations(self, "body", clean_policy, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('consent:policy')}?version={self.number}"

    def clean(self):
        """Versions follow each other in time, so the one in force is always the highest number whose time has come:
        a version takes effect no earlier than the one before it and no later than the one after it."""
        if not self.effective_at:
            return
        others = PolicyVersion.objects.exclude(pk=self.pk)
        if self.number:
            before = others.filter(number__lt=self.number).order_by("-number").first()
            after = others.filter(number__gt=self.number).order_by("number").first()
        else:
            before, after = others.order_by("-number").first(), None
        if before is not None and self.effective_at < before.effective_at:
            message = _("This version cannot take effect before version %(number)s (%(time)s).")
            raise ValidationError({"effective_at": message % self._described(before)})
        if after is not None and self.effective_at > after.effective_at:
            message = _("This version cannot take effect after version %(number)s (%(time)s).")
            raise ValidationError({"effective_at": message % self._described(after)})

    @staticmethod
    def _described(other):
        return {"number": other.number, "time": formats.localize(timezone.localtime(other.effective_at))}

    def is_in_effect(self, now=None):
        return self.effective_at <= (now or timezone.now())


class ConsentMethod(models.TextChoices):
    ACCEPT_ALL = "accept_all", _("Accepted all")
    REJECT_ALL = "reject_all", _("Rejected all")
    SAVE = "save", _("Chose in the settings")
    GRANT = "grant", _("Allowed one category from a placeholder")


class ConsentRecord(models.Model):
    """One cookie choice, as the reader made it. No address, no browser: the consent id in the reader's cookie is
    the only link to a person, and only the reader holds it."""

    Method = ConsentMethod

    consent_id = models.CharField(_("consent id"), max_length=32)
    analytics = models.BooleanField(_("analytics"))
    embeds = models.BooleanField(_("external media"))
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    policy_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), on_delete=models.PROTECT, related_name="consents"
    )
    language = models.CharField(_("language"), max_length=8, help_text=_("The language the choice was shown in."))
    gpc = models.BooleanField(
        _("Global Privacy Control"), default=False, help_text=_("The browser sent Sec-GPC: 1 with the choice.")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        constraints = [
            models.CheckConstraint(condition=Q(method__in=ConsentMethod.values), name="consent_method_valid"),
            models.CheckConstraint(condition=~Q(consent_id=""), name="consent_id_not_empty"),
        ]
        indexes = [models.Index(fields=["consent_id", "-created_at"], name="consent_record_lookup")]

    def __str__(self):
        return f"{self.consent_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def categories(self):
        return [name for name in OPTIONAL_CATEGORIES if getattr(self, name)]
