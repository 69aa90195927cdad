"""
Arabic text utilities shared by the whole project.

This module imports nothing else of ours, so every app (and every migration) can use it.
"""

import re
import unicodedata

from django.utils.text import slugify

TATWEEL = "\u0640"
# Arabic-Indic (U+0660–0669) and Persian (U+06F0–06F9) digits to ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# A decimal point between two digits: slugify would drop it and glue 6.2 into "62".
_DECIMAL_POINT = re.compile(r"(?<=\d)[.\u066b,\u066c](?=\d)")


def unicode_slug(text: str, max_length: int = 80) -> str:
    """
    A URL slug that keeps Arabic letters: «الســورية ٦٫٢» becomes «السورية-6-2».

    Tashkeel and tatweel are dropped (tatweel is a letter-like mark that slugify would keep), digits become ASCII,
    and the result is cut at a word boundary to at most `max_length` characters: an Arabic letter takes six
    characters once percent-encoded, so long slugs make unwieldy links.
    """
    text = unicodedata.normalize("NFKC", text).replace(TATWEEL, "").translate(_DIGITS)
    text = _DECIMAL_POINT.sub("-", text)
    slug = slugify(text, allow_unicode=True)
    if len(slug) <= max_length:
        return slug
    window = slug[: max_length + 1]
    cut = window.rsplit("-", 1)[0] if "-" in window else ""
    return cut.rstrip("-") or slug[:max_length]
