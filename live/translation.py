from modeltranslation.translator import TranslationOptions, register

from .models import UrgentAlert


@register(UrgentAlert)
class UrgentAlertTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = {"ar": ("text",)}
    # An English page shows the alert only once it is translated: never Arabic text marked as English.
    fallback_languages = {"default": ()}
