from modeltranslation.translator import TranslationOptions, register

from .models import PolicyVersion


@register(PolicyVersion)
class PolicyVersionTranslationOptions(TranslationOptions):
    fields = ("title", "body", "changes")
    required_languages = {"ar": ("title", "body")}
