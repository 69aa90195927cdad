"""
Photos inside article bodies, stored by reference and drawn from the photo's current renditions.

An editor places a photo from the photo library the rich-text editor's photo dialog opens (ImageAdmin's picker),
which puts the address of one of the photo's renditions in the dialog. What is stored is not that address but the
photo and the width wanted:

    <img data-photo="12" data-width="960" alt="…">

and the article page turns each reference into a <picture> of the photo's renditions as they are when the page is
drawn (`expand()`), as Wagtail's rich text does with its embed handlers. So replacing a photo (to blur a face, say)
changes no article body, bumps no version and leaves no page pointing at a deleted file; a revision from before the
replacement shows the new photo too; and a deleted photo's reference draws nothing rather than a broken image.

The editor's form gets the addresses back (`for_editor()`), since that is what its image dialog shows and edits.

Every function here works on sanitised HTML (articles/sanitize.py), whose tags are in one fixed form, so a regular
expression reads them reliably.
"""

import html
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .sanitize import clean_body, own_rendition_name

_IMG = re.compile(r"<img( [^>]*)?>")
_ATTRIBUTE = re.compile(r' ([a-z-]+)="([^"]*)"')
_REFERENCE = re.compile(r'<img [^>]*\bdata-photo="(\d+)"')
# Attributes a reference does not keep: the address and size, which come from the renditions, and the loading hints
# the sanitiser adds to every photo.
_DRAWN = {"src", "width", "height", "loading", "decoding", "data-photo", "data-width"}
PHOTO_WITHOUT_ALT = _(
    "A photo in this text has no alternative text. Click the photo, press the photo button of the toolbar and write "
    "what it shows, for readers who cannot see it."
)
# As wide as the article column (static/css): the browser picks the rendition for the screen it has.
INLINE_SIZES = "(max-width: 42rem) 100vw, 42rem"

# A finder: rendition file names → {name: (photo id, width)}, for the names that are renditions we hold.
Finder = Callable[[Iterable[str]], dict[str, tuple[int, int]]]


def _attributes(tag_attributes):
    return dict(_ATTRIBUTE.findall(tag_attributes or ""))


def _written(attributes):
    return "".join(f' {name}="{value}"' for name, value in attributes.items())


def photo_ids(*bodies: str) -> set[int]:
    """The photos that `bodies` show by reference."""
    return {int(match) for body in bodies if body for match in _REFERENCE.findall(body)}


def finder(rendition_model) -> Finder:
    """A finder over `rendition_model` (ours, or a migration's historical model)."""

    def find(names):
        rows = rendition_model.objects.filter(file__in=set(names)).values_list("file", "image_id", "width")
        return {name: (image_id, width) for name, image_id, width in rows}

    return find


def find_renditions(names: Iterable[str]) -> dict[str, tuple[int, int]]:
    """The finder for our own renditions."""
    from .models import Rendition

    return finder(Rendition)(names)


def _addresses(body):
    """The rendition file names `body`'s photos are shown by (its <img src> of our own renditions)."""
    names = {own_rendition_name(_attributes(match.group(1)).get("src", "")) for match in _IMG.finditer(body or "")}
    return names - {None}


def photos_without_alt(body: str) -> int:
    """How many photos in sanitised `body` say nothing of what they show: no alternative text, or only spaces."""
    return sum(
        not html.unescape(_attributes(match.group(1)).get("alt", "")).strip() for match in _IMG.finditer(body or "")
    )


def validate_alt_text(body: str) -> None:
    """The article body's validator: refuses a text (as the editor sends it, sanitised here first) with a photo
    that has no alternative text."""
    if photos_without_alt(clean_body(body)):
        raise ValidationError(PHOTO_WITHOUT_ALT, code="photo_without_alt")


def missing_renditions(body: str, find: Finder = find_renditions) -> set[str]:
    """The renditions `body` shows by address that we no longer hold: their photo was replaced or deleted since the
    text was written (an editor's form opened before that). One query when the body shows any."""
    names = _addresses(body)
    return names - set(find(names)) if names else set()


def by_reference(body: str, find: Finder = find_renditions) -> str:
    """`body` (sanitised) with each photo shown by one of our renditions' addresses turned into a reference to the
    photo at that width: one query when the body has any, none otherwise. An address that is no rendition we hold
    is left as it is."""
    names = _addresses(body)
    if not names:
        return body
    found = find(names)

    def reference(match):
        attributes = _attributes(match.group(1))
        photo = found.get(own_rendition_name(attributes.get("src", "")))
        if photo is None:
            return match.group()
        kept = {name: value for name, value in attributes.items() if name not in _DRAWN}
        return f'<img data-photo="{photo[0]}" data-width="{photo[1]}"{_written(kept)}>'

    return _IMG.sub(reference, body)


def stored_body(body: str) -> str:
    """What an article body is stored as: sanitised, with its photos by reference (Article.save())."""
    return clean_body(by_reference(clean_body(body)))


def renditions_of(photo_ids: Iterable[int], rendition_model=None) -> dict[int, list]:
    """Each photo's renditions, narrowest first (one query; none for no photos). `rendition_model`: a migration's
    historical model, in place of ours."""
    if rendition_model is None:
        from .models import Rendition as rendition_model

    ids = set(photo_ids)
    photos = {photo_id: [] for photo_id in ids}
    if ids:
        for rendition in rendition_model.objects.filter(image_id__in=ids).order_by("image_id", "width", "format"):
            photos[rendition.image_id].append(rendition)
    return photos


def _fitting(renditions, image_format, width):
    """The renditions of `image_format` not wider than `width`, narrowest first (the narrowest alone if none
    is): a photo replaced by a smaller one is shown as wide as it now goes."""
    of_format = [rendition for rendition in renditions if rendition.format == image_format]
    fitting = [rendition for rendition in of_format if rendition.width <= width]
    return fitting or of_format[:1]


def _each_reference(body, photos, draw):
    """`body` with each reference replaced by `draw(renditions, width, attributes)`, or by nothing when the photo
    is gone (deleted, or never ours) or has no JPEG rendition. `photos` None: looked up here (one query)."""
    if photos is None:
        photos = renditions_of(photo_ids(body))

    def replace(match):
        attributes = _attributes(match.group(1))
        if "data-photo" not in attributes:
            return match.group()
        renditions = photos.get(int(attributes["data-photo"]), [])
        width = int(attributes.get("data-width") or 0) or max((r.width for r in renditions), default=0)
        if not _fitting(renditions, "jpeg", width):
            return ""
        kept = {name: value for name, value in attributes.items() if name not in _DRAWN}
        return draw(renditions, width, kept)

    return _IMG.sub(replace, body or "")


def _srcset(renditions):
    return ", ".join(f"{html.escape(rendition.file.url)} {rendition.width}w" for rendition in renditions)


def _picture(renditions, width, attributes):
    """The <picture> for one reference. The attributes kept (alt, dir, lang) are the sanitiser's output, already
    escaped; the addresses are escaped here."""
    jpeg, webp = _fitting(renditions, "jpeg", width), _fitting(renditions, "webp", width)
    fallback = jpeg[-1]
    source = f'<source type="image/webp" srcset="{_srcset(webp)}" sizes="{INLINE_SIZES}">' if webp else ""
    return (
        f'<picture>{source}<img src="{html.escape(fallback.file.url)}" srcset="{_srcset(jpeg)}" sizes="{INLINE_SIZES}"'
        f' width="{fallback.width}" height="{fallback.height}"{_written(attributes)} loading="lazy" decoding="async">'
        "</picture>"
    )


def expand(body: str, photos: dict[int, list] | None = None) -> str:
    """Sanitised `body` as readers get it: each reference a <picture> of the photo's current renditions, WebP
    for browsers that take it and JPEG for the rest, none wider than the width the editor chose. `photos` maps
    photo ids to renditions (`renditions_of()`, or the article page's parts, articles/loading.py)."""
    return _each_reference(body, photos, _picture)


def for_editor(body: str, photos: dict[int, list] | None = None) -> str:
    """Stored `body` as the rich-text editor shows and edits it: each reference back to the address of the
    photo's rendition at that width (saving turns it into a reference again)."""

    def address(renditions, width, attributes):
        rendition = _fitting(renditions, "jpeg", width)[-1]
        return f'<img src="{html.escape(rendition.file.url)}"{_written(attributes)}>'

    return _each_reference(body, photos, address)
