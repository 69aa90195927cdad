"""The one allow-list for article HTML: applied when an article is saved (Article.save(), and the rich-text field's
sanitiser in forms) and again when it is shown. It matches what the editor offers (models.BODY_EXTENSIONS).

tests/test_sanitize.py holds its output on a corpus of hostile and everyday HTML (tests/sanitizer/) to golden
files: a change here that changes any output shows up there, to be accepted deliberately."""

import re

import nh3
from django.conf import settings
from modeltranslation.utils import build_localized_fieldname, get_language, get_translation_fields

BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "a", "strong", "em", "b", "i", "sub", "sup",
    "hr", "bdi", "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    # data-photo and data-width: a photo by reference (articles/inline_photos.py).
    "img": {"src", "alt", "width", "height", "data-photo", "data-width"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "*": {"dir", "lang"},
}

DIRECTIONS = {"rtl", "ltr", "auto"}
# A well-formed language tag (RFC 5646 §2.1, the `langtag` and `privateuse` productions): language with up to three
# extended subtags, then script, region, variants, extensions and a private-use part, each optional and in this
# order. The language is the two- or three-letter ISO 639 code: the grammar's four- to eight-letter languages are
# reserved and none exists, so "english" or "arabic" is an editor's slip, not a tag. The irregular grandfathered
# tags ("i-klingon", "en-GB-oed") are deprecated and left out.
_ALPHANUM = "[a-z0-9]"
_LANGUAGE_TAG = re.compile(
    rf"""
    (?:
        [a-z]{{2,3}}(?:-[a-z]{{3}}){{0,3}}                   # language, extlang
        (?:-[a-z]{{4}})?                                     # script
        (?:-(?:[a-z]{{2}}|[0-9]{{3}}))?                      # region
        (?:-(?:{_ALPHANUM}{{5,8}}|[0-9]{_ALPHANUM}{{3}}))*   # variants
        (?:-[0-9a-wyz](?:-{_ALPHANUM}{{2,8}})+)*             # extensions
        (?:-x(?:-{_ALPHANUM}{{1,8}})+)?                      # private use
    |
        x(?:-{_ALPHANUM}{{1,8}})+                            # a private-use tag alone
    )
    """,
    re.VERBOSE | re.ASCII | re.IGNORECASE,
)
# RFC 5646 §4.4.1: a tag of 35 characters holds every subtag a real one needs; longer ones are junk or an attack.
LANGUAGE_TAG_MAX_LENGTH = 35
# Renditions have ASCII names of our own making (articles.images.random_name): anything else after the prefix (a
# query, a "..", an encoded character) is not one of ours, whatever the address starts with.
_RENDITION_PATH = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*\.[A-Za-z0-9]+", re.ASCII)


def direction(value):
    """`value` as a `dir` attribute, lower case, or None when it is not one of HTML's three directions."""
    lowered = value.lower()
    return lowered if value.isascii() and lowered in DIRECTIONS else None


def language_tag(value):
    """`value` as a `lang` attribute in the conventional case of RFC 5646 §2.1.1 ("ar-SY", "zh-Hant-TW"), or None
    when it is not a well-formed language tag."""
    if len(value) > LANGUAGE_TAG_MAX_LENGTH or not _LANGUAGE_TAG.fullmatch(value):
        return None
    subtags = value.lower().split("-")
    cased = [subtags[0]]
    after_singleton = len(subtags[0]) == 1
    for subtag in subtags[1:]:
        if after_singleton or len(subtag) == 1:
            after_singleton = True
        elif len(subtag) == 2:
            subtag = subtag.upper()
        elif len(subtag) == 4 and subtag.isalpha():
            subtag = subtag.title()
        cased.append(subtag)
    return "-".join(cased)


def own_rendition_name(address):
    """The file name of the rendition at `address` when it is one of ours ("renditions/ab/ab12….webp"), else None."""
    prefix = f"{settings.MEDIA_URL}renditions/"
    if not address.startswith(prefix) or not _RENDITION_PATH.fullmatch(address[len(prefix) :]):
        return None
    return f"renditions/{address[len(prefix) :]}"


_NUMBER = re.compile(r"[1-9][0-9]{0,9}", re.ASCII)


def _filter_attribute(tag, attribute, value):
    """The attributes whose values need more than an allow-list of names:
    - inline images may show our own renditions only: a photo from elsewhere would make every reader's browser
      call a third party (and the CSP would block it anyway);
    - a photo by reference names a photo and a width by number, nothing else;
    - `dir` and `lang` are copied into the page as they are, so they hold a real direction and a real language tag
      or nothing: junk would only confuse browsers, screen readers and search engines.
    Returning None drops the attribute; the element stays."""
    if attribute == "dir":
        return direction(value)
    if attribute == "lang":
        return language_tag(value)
    if tag == "img" and attribute == "src":
        return value if own_rendition_name(value) else None
    if tag == "img" and attribute in ("data-photo", "data-width"):
        return value if _NUMBER.fullmatch(value) else None
    return value


_IMG_TAG = re.compile(r"<img([^>]*)>")


def _clean(html):
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def clean_body(html: str) -> str:
    """Sanitise article HTML against the allow-list above. The same HTML sanitised again comes out the same."""
    cleaned = _clean(html or "")
    if "<table" in cleaned:
        # What a removed <caption> or <tfoot> held is left directly in the table, where a parser moves it out (the
        # browser, or the next sanitising): settled now, so the stored body is what pages show.
        cleaned = _clean(cleaned)
    # Photos inside the text are below the fold: the browser fetches them as the reader scrolls. Added here, not by
    # nh3's set_tag_attribute_values, which writes them in an order that changes from one process to the next (a
    # Rust HashMap): the same body would be different bytes in each worker. In nh3's output every "<" and ">" that
    # is not markup is escaped, in text and attribute values alike, and the img's own loading/decoding were not
    # allowed through.
    return _IMG_TAG.sub(r'<img\1 loading="lazy" decoding="async">', cleaned)


def sanitize_saved_translations(instance, field, sanitize, update_fields=None):
    """
    Put each translated column of `field` (body_ar, body_en…) that this save of `instance` writes through
    `sanitize`, for a model's save(): the rich-text field sanitises what a form submits, but a plain ORM save (a
    service, a script, a restored revision, the shell) would store whatever it was given.

    A column this save leaves alone stays as it is, unread: one outside `update_fields`, or one not loaded (a
    deferred column would cost a query, and Django does not write it back).
    """
    written = None if update_fields is None else set(update_fields)
    if written is not None and field in written:
        # Saving the untranslated name writes the current language's column (modeltranslation's _update()).
        written.add(build_localized_fieldname(field, get_language()))
    deferred = instance.get_deferred_fields()
    for column in get_translation_fields(field):
        if column in deferred or (written is not None and column not in written):
            continue
        value = getattr(instance, column)
        if value:
            setattr(instance, column, sanitize(value))
