from django.urls.converters import StringConverter


class UnicodeSlugConverter(StringConverter):
    """Django's `<slug:>` is ASCII-only, so an Arabic slug would 404 and fail to reverse: this one takes letters
    of any script, digits, underscores and hyphens."""

    regex = r"[-\w]+"
