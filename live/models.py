"""Breaking news and live coverage: the urgent alert («عاجل») shown at the top of every reader page, and the
timestamped entries of a live page (an article whose coverage has started, articles.Article.live_started_at).

Create and change them through live/services/ (alerts, entries, coverage): they purge exactly the pages that show
them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.models import Article, Image, required_in_arabic
from core.addresses import cached_reverse
from core.fields import user_reference

# Entries per part of a live page: parts are numbered from the oldest entry, so an entry's part never changes and
# its permalink survives paging.
ENTRIES_PER_PART = 20
ALERT_MAX_LENGTH = 140


def part_of(sequence):
    """The part of a live page that holds the entry numbered `sequence` (parts numbered from 1)."""
    return (sequence - 1) // ENTRIES_PER_PART + 1


class UrgentAlertQuerySet(models.QuerySet):
    def showing(self, now=None):
        """The alerts readers see at `now` (by default, now): not withdrawn and not expired. Instance twin:
        `UrgentAlert.is_showing()`."""
        now = now or timezone.now()
        return self.filter(withdrawn_at__isnull=True, created_at__lte=now, expires_at__gt=now)


class UrgentAlert(models.Model):
    """One line of breaking news («عاجل») at the top of every reader page until it expires or is withdrawn. Only
    the newest showing alert is shown."""

    text = models.CharField(
        _("text"), max_length=ALERT_MAX_LENGTH, help_text=_("One line. Readers of English pages see the English text.")
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("links to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="urgent_alerts",
        help_text=_("An article or live page readers reach from the alert (optional)."),
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    created_by = user_reference(_("published by"), editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawn_by = user_reference(_("withdrawn by"), editable=False)

    objects = UrgentAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("urgent alert")
        verbose_name_plural = _("urgent alerts")
        constraints = [
            required_in_arabic("text", name="urgent_alert_text_ar_not_empty", message=_("An alert needs Arabic text.")),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="urgent_alert_expires_after_publication",
                violation_error_message=_("An alert expires after it is published."),
            ),
        ]
        indexes = [models.Index(fields=["-created_at"], name="urgent_alert_newest_idx")]

    def __str__(self):
        return self.text

    def is_showing(self, now=None):
        now = now or timezone.now()
        return self.withdrawn_at is None and self.created_at <= now < self.expires_at


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", pgettext_lazy("entry", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("entry", "Withdrawn")


class LiveEntryQuerySet(models.QuerySet):
    def published(self):
        """The entries readers see. Instance twin: `LiveEntry.is_published()`."""
        return self.filter(status=EntryStatus.PUBLISHED)


class LiveEntry(models.Model):
    """One timestamped entry of a live page: text (through the article sanitiser), optionally a short title, a
    quote and a photo (through the same metadata stripping as every photo)."""

    Status = EntryStatus

    article = models.ForeignKey(Article, verbose_name=_("live page"), on_delete=models.CASCADE, related_name="entries")
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("Short; key points are listed by their titles.")
    )
    body = models.TextField(_("text"), blank=True)
    quote = models.TextField(_("quote"), blank=True)
    quote_by = models.CharField(_("quoted"), max_length=150, blank=True, help_text=_("Who said it."))
    photo = models.ForeignKey(
        Image, verbose_name=_("photo"), on_delete=models.SET_NULL, null=True, blank=True, related_name="live_entries"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ar")
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    sequence = models.PositiveIntegerField(
        _("number"), null=True, blank=True, editable=False, help_text=_("Its place on the page, from the first.")
    )
    key_point = models.BooleanField(_("key point"), default=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True, editable=False)
    correction = models.CharField(_("correction note"), max_length=300, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawn_by = user_reference(_("withdrawn by"), editable=False)
    created_by = user_reference(_("written by"), editable=False)
    approved_by = user_reference(_("approved by"), editable=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        # The desk's order (the newest written first, those waiting for review among them); readers' pages order
        # by place on the page, explicitly.
        ordering = ["-created_at", "-id"]
        permissions = [("publish_liveentry", _("Can publish, correct, pin and withdraw live entries"))]
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=EntryStatus.values), name="live_entry_status_valid"),
            models.CheckConstraint(
                condition=~Q(body="", quote="", photo__isnull=True),
                name="live_entry_not_empty",
                violation_error_message=_("An entry needs text, a quote or a photo."),
            ),
            # A published entry has its place and time (a withdrawn one keeps them, if it ever had them).
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.PUBLISHED) | Q(sequence__isnull=False, published_at__isnull=False),
                name="live_entry_shown_has_place",
            ),
            models.UniqueConstraint(
                fields=["article", "sequence"], condition=Q(sequence__isnull=False), name="live_entry_sequence_unique"
            ),
            # One pinned entry per page.
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(pinned=True, status=EntryStatus.PUBLISHED),
                name="live_entry_one_pinned",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "status", "-sequence"], name="live_entry_page_idx"),
        ]

    def __str__(self):
        return self.title or self.quote[:60] or self.body[:60] or str(self.pk)

    def get_absolute_url(self):
        return cached_reverse("live:entry", kwargs={"pk": self.pk})

    def is_published(self):
        return self.status == EntryStatus.PUBLISHED

    @property
    def part(self):
        """The part of the live page that holds this entry (numbered from 1, from the oldest entries)."""
        return part_of(self.sequence) if self.sequence else None

    @property
    def anchor(self):
        return f"entry-{self.pk}"


class LiveSettings(models.Model):
    """The live desk's settings, one row: how often readers' pages ask for new entries (the kill switch for a busy
    night: raise it, or stop polling), and whether reporters' entries wait for an editor."""

    poll_seconds = models.PositiveSmallIntegerField(
        _("seconds between updates"),
        default=20,
        help_text=_(
            "How long readers' pages wait before asking for new entries. Raise it when the servers are busy; 0 stops "
            "asking (readers then reload)."
        ),
    )
    review_entries = models.BooleanField(
        _("entries wait for review"),
        default=False,
        help_text=_("Reporters' entries show only once an editor publishes them. Editors' entries show at once."),
    )

    class Meta:
        verbose_name = _("live desk settings")
        verbose_name_plural = _("live desk settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="live_settings_single_row"),
            models.CheckConstraint(
                condition=Q(poll_seconds=0) | Q(poll_seconds__gte=5, poll_seconds__lte=600),
                name="live_settings_poll_seconds_range",
                violation_error_message=_("Between 5 and 600 seconds, or 0 to stop."),
            ),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls):
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class LiveAction(models.TextChoices):
    ALERT_PUBLISHED = "alert_published", _("Alert published")
    ALERT_WITHDRAWN = "alert_withdrawn", _("Alert withdrawn")
    COVERAGE_STARTED = "coverage_started", _("Coverage started")
    COVERAGE_ENDED = "coverage_ended", _("Coverage ended")
    ENTRY_POSTED = "entry_posted", _("Entry posted")
    ENTRY_SUBMITTED = "entry_submitted", _("Entry sent for review")
    ENTRY_PUBLISHED = "entry_published", _("Entry published after review")
    ENTRY_CORRECTED = "entry_corrected", _("Entry corrected")
    ENTRY_WITHDRAWN = "entry_withdrawn", _("Entry withdrawn")
    ENTRY_PINNED = "entry_pinned", _("Entry pinned")
    ENTRY_UNPINNED = "entry_unpinned", _("Entry unpinned")
    SETTINGS_CHANGED = "settings_changed", _("Settings changed")


class LiveEvent(models.Model):
    """The live desk's log: every act on alerts, coverage and entries, with who and when. Written by the services
    only."""

    Action = LiveAction

    at = models.DateTimeField(_("time"), default=timezone.now)
    by = user_reference(_("by"))
    action = models.CharField(_("action"), max_length=24, choices=Action)
    article = models.ForeignKey(
        Article, verbose_name=_("live page"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entry = models.ForeignKey(
        LiveEntry, verbose_name=_("entry"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    alert = models.ForeignKey(
        UrgentAlert, verbose_name=_("alert"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("live desk event")
        verbose_name_plural = _("live desk log")
        constraints = [
            models.CheckConstraint(condition=Q(action__in=LiveAction.values), name="live_event_action_valid")
        ]
        indexes = [models.Index(fields=["-at"], name="live_event_newest_idx")]

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"


class LivePage(Article):
    """An article as the live desk sees it (a proxy): start and end its coverage, post to it."""

    class Meta:
        proxy = True
        verbose_name = _("live page")
        verbose_name_plural = _("live pages")
