from django import forms
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _

from .models import Language


class SubscribeForm(forms.Form):
    default_renderer = Jinja2()
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    lists = forms.MultipleChoiceField(
        label=_("What would you like to receive?"),
        choices=[
            ("digest", _("The daily digest: the front page's stories, once a day")),
            ("alerts", _("Urgent alerts, when they are published")),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one newsletter.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the messages"), choices=Language.choices, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please tick the box to agree to us keeping your address for these messages.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"dir": "ltr", "autocomplete": "email"})
