"""
Arabic text utilities shared by the whole project.

This module imports nothing else of ours, so every app (and every migration) can use it.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.text import slugify
from hijridate import Gregorian

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


# Marks that change how a word is read aloud, not which word it is: tashkeel (harakat, tanween, shadda, sukun),
# Quranic annotation signs and the superscript alef. Tatweel (U+0640) only stretches a joined letter.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
# Zero-width and bidi control characters: invisible, and a favourite way to slip past keyword filters.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad]")
_LETTER_FOLDS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian keheh
        "ە": "ه",
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalize_arabic(text: str, *, fold_taa_marbuta: bool = True) -> str:
    """
    One spelling for every way of writing the same Arabic word, for matching (search, tags, block-lists), never
    for display.

    Applies NFKC (presentation forms such as «ﻻ» become «لا»), drops tashkeel, tatweel and invisible control
    characters, folds hamza carriers and alef forms to bare alef, alef maqsura to yeh, Persian look-alike letters to
    Arabic ones, Arabic-Indic and Persian digits to ASCII, and (by default) taa marbuta to heh. Latin text is
    case-folded and runs of white space become one space.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _MARKS.sub("", text)
    text = text.translate(_LETTER_FOLDS).translate(_DIGITS)
    if fold_taa_marbuta:
        text = text.replace("ة", "ه")
    return _WHITESPACE.sub(" ", text).strip().casefold()


def _without_article(word: str) -> str:
    # «ال» goes only when at least three letters remain, so «الله» or «الى» keep theirs.
    return word[2:] if word.startswith("ال") and len(word) >= 5 else word


def tag_key(name: str) -> str:
    """
    The identity of a tag: «الباغوز», «باغوز» and «البَاغُوز» are one tag, as are «غزة» and «غزه». The normalised
    form with the definite article dropped from each word.
    """
    return " ".join(_without_article(word) for word in normalize_arabic(name).split(" "))


@dataclass(frozen=True)
class HijriDate:
    day: int
    month: int
    year: int
    month_name: str
    notation: str


def to_hijri(day: date, language: str = "ar", offset_days: int = 0) -> HijriDate | None:
    """
    The Umm al-Qura (Hijri) date of a Gregorian `day`, with month name and era notation in `language` ("ar" or
    "en"). `offset_days` shifts it for places whose observed month starts differ from the tabular calendar. None
    outside the calendar's range (1924–2077): the caller shows the Gregorian date alone.
    """
    try:
        hijri = Gregorian.fromdate(day + timedelta(days=offset_days)).to_hijri()
    except (OverflowError, ValueError):
        return None
    language = "ar" if language == "ar" else "en"
    return HijriDate(hijri.day, hijri.month, hijri.year, hijri.month_name(language), hijri.notation(language))


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic_indic_digits(text: str) -> str:
    """Western digits as Arabic-Indic ones (٠١٢…): for display only, never in URLs, attributes or form values."""
    return text.translate(_ARABIC_INDIC)


# Search: light stemming (after Larkey's "light10"), on normalised text. Broken plurals (وزير/وزراء) stay apart.
_CONJUNCTION = "و"
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
# After normalisation «ية» is «يه» and «ة» is «ه».
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_WORD = re.compile(r"\w+")


def _strip_article(word: str) -> str:
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


def light_stem(word: str) -> str:
    """A normalised word without its leading «و», article and one common suffix: «والقوات» → «قو», like «قوات»."""
    if word.startswith(_CONJUNCTION) and len(word) >= 4:
        word = word[1:]
    word = _strip_article(word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def search_terms(text: str) -> list[tuple[str, str]]:
    """For each word of `text`: (its stem, the word without its article), both normalised. Only \\w characters
    survive, so the terms are safe to put into a full-text query."""
    return [(light_stem(word), _strip_article(word)) for word in _WORD.findall(normalize_arabic(text))]


def index_document(text: str) -> str:
    """The words a document is found by: each word's stem and its article-less form, space-separated."""
    tokens = []
    for stem, bare in search_terms(text):
        tokens.append(stem)
        if bare != stem:
            tokens.append(bare)
    return " ".join(tokens)


# A run of left-to-right text inside right-to-left text: Latin letters with the digits, signs and spaces between
# them («C++», «Joe Biden», «Wi-Fi 6»). Isolated in <bdi>, it keeps its own order (otherwise «C++» shows as «++C»).
_LTR_RUN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f0-9+#.'&\-_/ ]*[A-Za-z\u00c0-\u024f0-9+#]|[A-Za-z]")


def ltr_runs(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of left-to-right runs in `text`."""
    return [match.span() for match in _LTR_RUN.finditer(text)]
