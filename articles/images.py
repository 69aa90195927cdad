"""
Photo handling: validation of uploads, metadata stripping and renditions.

A photo's EXIF or XMP can carry the GPS position of whoever took it and the serial number of their camera: for a
newsroom whose sources work in conflict areas that is a safety matter. Every stored file (the original and each
rendition) is re-encoded from pixels alone, after the EXIF orientation has been applied, so no metadata survives.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

# Pillow format name → the extension and content type we store it under.
# MPO is how Pillow names the JPEGs many phones and cameras write (a main image plus previews): its first frame
# is an ordinary JPEG photo.
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
# Rendition format key → Pillow format and encoder options. WebP for browsers that take it, JPEG for the rest.
RENDITION_FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}


@dataclass(frozen=True)
class Encoded:
    """An image re-encoded from its pixels alone."""

    content: bytes
    extension: str
    width: int
    height: int


def random_name(folder: str, extension: str) -> str:
    """An ASCII file name nobody can guess: an Arabic (or any) original name never reaches the file system."""
    token = uuid.uuid4().hex
    return f"{folder}/{token[:2]}/{token}.{extension}"


def validate_upload(upload) -> PILImage.Image:
    """
    Open an uploaded file as an image we accept, or raise ValidationError with a message the editor can act on.

    Checks, before decoding any pixel: the file size, that Pillow recognises the file, that it is a JPEG, PNG or
    WebP, and that width × height stays under the pixel limit (a decompression bomb is a small file that claims
    enormous dimensions). Returns the opened (not yet decoded) image.
    """
    max_bytes = settings.NEWSROOM_IMAGE_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s; photos may be at most %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its limit raises) about large images; our own limit below decides.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            image = PILImage.open(upload)
    except PILImage.DecompressionBombError:
        raise ValidationError(
            _("This image claims far more pixels than a photo has. Photos may have at most %(limit)s megapixels."),
            code="too_many_pixels",
            params={"limit": settings.NEWSROOM_IMAGE_MAX_PIXELS // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(
            _("This file is not a photo we can read. Upload a JPEG, PNG or WebP image."), code="not_an_image"
        ) from None
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("%(format)s files are not accepted. Upload a JPEG, PNG or WebP image."),
            code="format_not_accepted",
            params={"format": image.format or "?"},
        )
    if image.width * image.height > settings.NEWSROOM_IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("This image is %(width)s × %(height)s pixels; photos may have at most %(limit)s megapixels."),
            code="too_many_pixels",
            params={
                "width": image.width,
                "height": image.height,
                "limit": settings.NEWSROOM_IMAGE_MAX_PIXELS // 1_000_000,
            },
        )
    return image


def decode(upload) -> PILImage.Image:
    """Validate, decode and turn upright: the pixels every stored file is made from."""
    image = validate_upload(upload)
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        raise ValidationError(
            _("This photo is damaged and cannot be read. Upload another copy."), code="damaged"
        ) from None
    # Pillow carries some of the source's metadata (a JPEG comment, a colour profile) into every file it saves
    # from `info`: start from pixels alone.
    upright.info = {}
    upright.format = "JPEG" if image.format == "MPO" else image.format
    return upright


def _pixels_only(image: PILImage.Image, mode: str) -> PILImage.Image:
    """A copy holding pixels and nothing else; transparency is flattened on white for formats without it."""
    if mode == "RGB" and image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = PILImage.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert(mode)


def encode_original(image: PILImage.Image) -> Encoded:
    """The stored original: same format and size, upright, with no EXIF, XMP, IPTC or text chunks."""
    source_format = image.format if image.format in ACCEPTED_FORMATS else "JPEG"
    buffer = io.BytesIO()
    if source_format == "JPEG":
        _pixels_only(image, "RGB").save(buffer, "JPEG", quality=92, optimize=True)
    elif source_format == "PNG":
        _pixels_only(image, "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(buffer, "PNG", optimize=True)
    else:
        _pixels_only(image, "RGBA" if image.mode in ("RGBA", "LA") else "RGB").save(buffer, "WEBP", quality=90)
    return Encoded(buffer.getvalue(), ACCEPTED_FORMATS[source_format], image.width, image.height)


def rendition_widths(width: int) -> list[int]:
    """The configured widths narrower than the photo, and the photo's own width if it is narrower than the widest
    (a small photo is never enlarged, but always gets at least one rendition)."""
    widths = [w for w in settings.NEWSROOM_RENDITION_WIDTHS if w < width]
    if width <= max(settings.NEWSROOM_RENDITION_WIDTHS):
        widths.append(width)
    return sorted(set(widths))


def encode_renditions(image: PILImage.Image):
    """Yield (width, format key, Encoded) for every rendition of an upright image: each width as WebP and JPEG."""
    rgb = _pixels_only(image, "RGB")
    for width in rendition_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        resized = rgb if width == image.width else rgb.resize((width, height), PILImage.Resampling.LANCZOS)
        for key, (pillow_format, options) in RENDITION_FORMATS.items():
            buffer = io.BytesIO()
            resized.save(buffer, pillow_format, **options)
            extension = "webp" if key == "webp" else "jpg"
            yield width, key, Encoded(buffer.getvalue(), extension, width, height)
