from django import forms
from django.utils.translation import gettext_lazy as _

from .categories import OPTIONAL_CATEGORIES
from .models import ConsentRecord


class ConsentForm(forms.Form):
    """What the banner, the settings page and a media placeholder send: one of four choices, the categories ticked
    in the settings and the category a placeholder allows. The page to go back to (`next`) is read by the view,
    which turns any unsafe or odd value into the home page rather than refuse the choice."""

    choice = forms.ChoiceField(choices=ConsentRecord.Method.choices)
    analytics = forms.BooleanField(required=False)
    embeds = forms.BooleanField(required=False)
    category = forms.ChoiceField(choices=[(name, name) for name in OPTIONAL_CATEGORIES], required=False)

    def clean(self):
        data = super().clean()
        if data.get("choice") == ConsentRecord.Method.GRANT and not data.get("category"):
            raise forms.ValidationError(_("Choose what to allow."), code="no_category")
        return data

    def categories(self, *, allowed_before):
        """The optional categories allowed once this choice is made."""
        data = self.cleaned_data
        match data["choice"]:
            case ConsentRecord.Method.ACCEPT_ALL:
                return frozenset(OPTIONAL_CATEGORIES)
            case ConsentRecord.Method.REJECT_ALL:
                return frozenset()
            case ConsentRecord.Method.SAVE:
                return frozenset(name for name in OPTIONAL_CATEGORIES if data[name])
            case _:
                return allowed_before | {data["category"]}
