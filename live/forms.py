"""The live desk's forms: an entry from a phone, an urgent alert, the desk's settings, a correction."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import images
from articles.sanitize import clean_body

from .models import ALERT_MAX_LENGTH, LiveEntry, LiveSettings


class EntryPostForm(forms.Form):
    """An entry as a reporter in the field writes it: text, and a photo if they have one. The rest is optional
    and folded away on the page."""

    text = forms.CharField(
        label=_("What is happening"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto", "autocomplete": "off"}),
        help_text=_("A blank line starts a new paragraph. A video address alone on a line becomes a player."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("Location and camera details are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    photo_alt = forms.CharField(
        label=_("What the photo shows"),
        required=False,
        max_length=250,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("For readers who cannot see it. Needed with a photo."),
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=120, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    quote = forms.CharField(
        label=_("Quote"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )
    quote_by = forms.CharField(label=_("Quoted"), required=False, max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="ar")
    key_point = forms.BooleanField(label=_("Key point"), required=False)

    def __init__(self, *args, may_publish=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_publish:
            del self.fields["key_point"]

    def clean_photo(self):
        upload = self.cleaned_data["photo"]
        return None if upload is None else images.prepare(upload)

    def clean(self):
        data = super().clean()
        if data.get("photo") is not None and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", forms.ValidationError(_("Say what the photo shows."), code="required"))
        said = (data.get("text") or "").strip() or (data.get("quote") or "").strip()
        if not said and data.get("photo") is None and "photo" not in self.errors:
            raise forms.ValidationError(_("Write something, or add a photo."), code="empty")
        return data


ALERT_DURATIONS = [(30, _("30 minutes")), (60, _("1 hour")), (120, _("2 hours")), (360, _("6 hours")),
                   (720, _("12 hours")), (1440, _("24 hours")), (2880, _("48 hours"))]  # fmt: skip


# How old an article an alert can link to (live pages, however old, always can).
ALERT_LINK_DAYS = 14


class UrgentAlertForm(forms.Form):
    text_ar = forms.CharField(
        label=_("Text (Arabic)"),
        max_length=ALERT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    )
    text_en = forms.CharField(
        label=_("Text (English)"),
        max_length=ALERT_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
        help_text=_("English pages show the alert only with it."),
    )
    article = forms.ModelChoiceField(
        label=_("Links to"),
        queryset=None,
        required=False,
        help_text=_("An article or live page readers reach from the alert (optional)."),
    )
    lasts = forms.TypedChoiceField(label=_("Shown for"), choices=ALERT_DURATIONS, coerce=int, initial=120)

    def __init__(self, *args, **kwargs):
        from articles.models import Article

        super().__init__(*args, **kwargs)
        # Live pages, and the articles of the last fortnight, live pages first.
        recent = Q(published_at__gte=timezone.now() - timedelta(days=ALERT_LINK_DAYS)) | Q(
            live_started_at__isnull=False
        )
        self.fields["article"].queryset = (
            Article.objects.published()
            .filter(recent)
            .only("pk", "headline", "headline_ar", "headline_en", "slug")
            .order_by(F("live_started_at").desc(nulls_last=True), "-published_at")
        )

    def expires_at(self):
        return timezone.now() + timedelta(minutes=self.cleaned_data["lasts"])


class LiveSettingsForm(forms.ModelForm):
    class Meta:
        model = LiveSettings
        fields = ["poll_seconds", "review_entries"]


class EntryCorrectionForm(forms.ModelForm):
    """A change to an entry's text: once it is published, readers see the note and the time."""

    correction_note = forms.CharField(
        label=_("Correction note"),
        required=False,
        max_length=300,
        help_text=_("What was corrected: readers see it under the entry, with the time."),
    )

    class Meta:
        model = LiveEntry
        fields = ["title", "body", "quote", "quote_by"]
        widgets = {"body": forms.Textarea(attrs={"dir": "auto"}), "title": forms.TextInput(attrs={"dir": "auto"})}

    def clean(self):
        data = super().clean()
        # What the sanitiser keeps of the text, as the service will see it.
        said = clean_body(data.get("body") or "").strip() or (data.get("quote") or "").strip()
        if not said and self.instance.photo_id is None:
            raise forms.ValidationError(_("An entry needs text, a quote or a photo."), code="empty")
        if self.instance.is_published() and not (data.get("correction_note") or "").strip():
            self.add_error(
                "correction_note",
                forms.ValidationError(_("Say what was corrected: readers see the note."), code="required"),
            )
        return data
