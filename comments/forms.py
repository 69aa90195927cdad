import re
import time

from django import forms
from django.core import signing
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _

from . import screening
from .models import BlockedWord, Comment

TOKEN_SALT = "comments.form"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 2 * 24 * 60 * 60  # a page left open for two days: the form must be reloaded
TOKEN_MIN_AGE = 3  # seconds: nobody reads an article and writes a comment faster
# Bidi overrides and isolates, zero-width characters and other invisible controls: a name must read as it looks.
_CONTROLS = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")


FORM_RENDERER = Jinja2()


def form_token(article_id):
    """A signed, timestamped token naming the article the form was made for."""
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(str(article_id))


class CommentForm(forms.Form):
    # Every article page renders this form. Django's Jinja2 copies of its widget templates render it faster than
    # Django's template engine does (bench/README.md, "Figures behind decisions in the code"), with the same markup.
    default_renderer = FORM_RENDERER
    name = forms.CharField(label=_("Name"), max_length=80)
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, help_text=_("Never shown. We use it only to tell you about your comment.")
    )
    body = forms.CharField(label=_("Comment"), min_length=2, max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please tick the box to agree to us keeping your comment and details.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput)
    # A field people never see and robots fill in.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, article, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = form_token(article.pk)
        for name in ("name", "email", "body"):
            self.fields[name].widget.attrs["dir"] = "auto"

    def clean_name(self):
        name = " ".join(_CONTROLS.sub("", self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError(_("Please write a name."), code="empty_name")
        return name

    def clean_body(self):
        body = _CONTROLS.sub("", self.cleaned_data["body"]).strip()
        if len(body) < 2:
            raise forms.ValidationError(_("Please write a comment."), code="empty_body")
        return body

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This comment could not be accepted."), code="honeypot")
        return ""

    def clean_token(self):
        signer = signing.TimestampSigner(salt=TOKEN_SALT)
        try:
            article_id = signer.unsign(self.cleaned_data["token"], max_age=TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This form was open for too long. Your text is still below: please send it again."), code="expired"
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form is not valid. Please reload the page."), code="bad_token"
            ) from None
        if article_id != str(self.article.pk):
            raise forms.ValidationError(_("This form is not valid. Please reload the page."), code="wrong_article")
        signed_at = signing.b62_decode(self.cleaned_data["token"].rsplit(signer.sep, 2)[1])
        if time.time() - signed_at < TOKEN_MIN_AGE:
            raise forms.ValidationError(
                _("That was very quick. Please take a moment, then send your comment again."), code="too_fast"
            )
        return self.cleaned_data["token"]

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = Comment.objects.approved().filter(pk=parent_id, article=self.article).first()
        if parent is None:
            raise forms.ValidationError(_("The comment you are replying to is not available."), code="bad_parent")
        return parent

    def clean(self):
        cleaned = super().clean()
        self.hold = False
        if self.errors:
            return cleaned
        name, email, body = cleaned["name"], cleaned["email"], cleaned["body"]
        found = screening.blocked_words(name, email, body)
        if any(word.action == BlockedWord.Action.REJECT for word in found):
            raise forms.ValidationError(_("This comment could not be accepted."), code="blocked")
        if screening.is_duplicate(article=self.article, email=email, body=body):
            raise forms.ValidationError(_("You have already sent this comment."), code="duplicate")
        self.hold = bool(found) or screening.link_count(body) > screening.MAX_LINKS_UNHELD
        return cleaned


class PrivacyRequestForm(forms.Form):
    email = forms.EmailField(label=_("The e-mail address you commented with"), max_length=254)
    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=[("export", _("A copy of my comments and data")), ("erase", _("Erase my name and details"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["dir"] = "ltr"
