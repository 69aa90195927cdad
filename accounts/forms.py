from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "dir": "ltr", "autofocus": True}
        ),
    )

    def clean_code(self):
        # People type codes with spaces or dashes, as the app shows or as they wrote them down.
        return "".join(character for character in self.cleaned_data["code"] if character.isalnum()).lower()
