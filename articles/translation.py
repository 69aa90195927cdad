from modeltranslation.translator import TranslationOptions, register

from .models import Arrangement, Article, Author, Correction, Image, Section


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = {"ar": ("name",)}


@register(Author)
class AuthorTranslationOptions(TranslationOptions):
    fields = ("name", "role", "bio")
    required_languages = {"ar": ("name",)}


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("headline", "standfirst", "body", "dateline")
    required_languages = {"ar": ("headline",)}
    # No fallback: an English page must not show Arabic paragraphs marked as English. Names of sections and
    # authors do fall back to Arabic (a name is still a name), and templates isolate them with <bdi>.
    fallback_languages = {"default": ()}


@register(Image)
class ImageTranslationOptions(TranslationOptions):
    fields = ("alt", "caption", "credit")
    required_languages = {"ar": ("alt",)}


@register(Correction)
class CorrectionTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = {"ar": ("text",)}
    fallback_languages = {"default": ()}


@register(Arrangement)
class ArrangementTranslationOptions(TranslationOptions):
    fields = ("package_title",)
    fallback_languages = {"default": ()}
