"""
Photo handling: validation of uploads, metadata stripping and renditions.

A photo's EXIF or XMP can carry the GPS position of whoever took it and the serial number of their camera: for a
newsroom whose sources work in conflict areas that is a safety matter. Every stored file (the original and each
rendition) is re-encoded from pixels alone, after the EXIF orientation has been applied, so no metadata survives.
"""

import io
import logging
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from PIL import Image as PILImage
from PIL import ImageFile

logger = logging.getLogger(__name__)

# Pillow format name → the extension and content type we store it under.
# MPO is how Pillow names the JPEGs many phones and cameras write (a main image plus previews): its first frame
# is an ordinary JPEG photo.
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
# Rendition format key → Pillow format and encoder options. WebP for browsers that take it, JPEG for the rest.
RENDITION_FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
# Formats whose every frame decode() decodes, and the most frames it will: a frame bomb claims millions of tiny
# frames, and each costs a pass through Pillow whatever its size.
ANIMATED_FORMATS = {"PNG", "WEBP"}
MAX_FRAMES = 1000
# The WebP format cannot hold a side longer than this, so no rendition may have one.
WEBP_MAX_SIDE = 16383
ORIENTATION = 0x0112
# EXIF orientation → the transposition that turns the stored pixels upright (as PIL.ImageOps.exif_transpose).
TRANSPOSITIONS = {
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_270,
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Encoded:
    """An image re-encoded from its pixels alone."""

    content: bytes
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class PreparedPhoto:
    """Every file of a photo, encoded and not yet written: the original and (width, format key, file) renditions."""

    original: Encoded
    renditions: tuple[tuple[int, str, Encoded], ...]


def random_name(folder: str, extension: str) -> str:
    """An ASCII file name nobody can guess: an Arabic (or any) original name never reaches the file system."""
    token = uuid.uuid4().hex
    return f"{folder}/{token[:2]}/{token}.{extension}"


def validate_upload(upload) -> PILImage.Image:
    """
    Open an uploaded file as an image we accept, or raise ValidationError with a message the editor can act on.

    Checks, before decoding any pixel: the file size, that Pillow recognises the file, that it is a JPEG, PNG or
    WebP, that width × height stays under the pixel limit (a decompression bomb is a small file that claims
    enormous dimensions), and that an animation's frames stay under the frame limit and, all together, under the
    pixel limit (a frame bomb is a small file that claims a huge number of frames). Returns the opened (not yet
    decoded) image.
    """
    max_bytes = settings.NEWSROOM_IMAGE_MAX_BYTES
    max_pixels = settings.NEWSROOM_IMAGE_MAX_PIXELS
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
            # It also warns about damaged metadata as it opens a file: decode() reads that again, and decides.
            _quiet_pillow()
            image = PILImage.open(upload)
            frames = _frame_count(image)
    except PILImage.DecompressionBombError:
        raise ValidationError(
            _("This image claims far more pixels than a photo has. Photos may have at most %(limit)s megapixels."),
            code="too_many_pixels",
            params={"limit": max_pixels // 1_000_000},
        ) from None
    except Exception:  # noqa: BLE001 - Pillow's parsers raise many kinds of exception on hostile input: see decode()
        if _signed_as_accepted(upload):
            raise _damaged() from None  # a photo cut short or corrupted, most often: say so
        raise ValidationError(
            _("This file is not a photo we can read. Upload a JPEG, PNG or WebP image."), code="not_an_image"
        ) from None
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("%(format)s files are not accepted. Upload a JPEG, PNG or WebP image."),
            code="format_not_accepted",
            params={"format": image.format or "?"},
        )
    if image.width * image.height > max_pixels:
        raise ValidationError(
            _("This image is %(width)s × %(height)s pixels; photos may have at most %(limit)s megapixels."),
            code="too_many_pixels",
            params={"width": image.width, "height": image.height, "limit": max_pixels // 1_000_000},
        )
    if frames > MAX_FRAMES or frames * image.width * image.height > max_pixels:
        raise ValidationError(
            ngettext_lazy(
                "This image is an animation of %(frames)s frame, more than we accept (at most %(max_frames)s "
                "frames and %(limit)s megapixels in all). Upload a still photo.",
                "This image is an animation of %(frames)s frames, more than we accept (at most %(max_frames)s "
                "frames and %(limit)s megapixels in all). Upload a still photo.",
                "frames",
            ),
            code="too_many_frames",
            params={"frames": frames, "max_frames": MAX_FRAMES, "limit": max_pixels // 1_000_000},
        )
    return image


def _signed_as_accepted(upload) -> bool:
    """Whether the file starts as a JPEG, PNG or WebP file does (Pillow cannot open a WebP file cut short at all)."""
    upload.seek(0)
    head = upload.read(12)
    return head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (head[:4], head[8:]) == (b"RIFF", b"WEBP")


def _quiet_pillow():
    warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")


def _frame_count(image: PILImage.Image) -> int:
    """How many frames decode() will decode: every frame an animated PNG or WebP claims (its header says so, before
    any is read), and one for the rest. Later MPO frames are a phone's previews, not the photo: decode() never
    reads them, so they cost nothing and a 48-megapixel phone photo with a preview is not "an animation"."""
    return getattr(image, "n_frames", 1) if image.format in ANIMATED_FORMATS else 1


def decode(upload) -> PILImage.Image:
    """
    Validate, decode completely, turn upright and reduce to plain pixels: what every stored file is made from.

    Raises ValidationError for every file Pillow cannot fully decode: truncated or corrupt pixel data, an animation
    with a frame that does not decode, EXIF whose orientation cannot be read. Nothing else may escape: Pillow's
    parsers raise OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError and more on hostile input
    (its own fuzzing harness, Tests/oss-fuzz/fuzz_pillow.py, catches Exception for that reason).
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # With this switched on (by any library in the process) Pillow pads a cut-off file with grey instead of
        # failing: we would publish half a photo. That is a deployment fault, not the editor's: fail loudly.
        raise ImproperlyConfigured("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False: photos are decoded whole.")
    image = validate_upload(upload)
    with warnings.catch_warnings():
        _quiet_pillow()  # see validate_upload()
        try:
            image.load()
        except Exception:  # noqa: BLE001 - see the docstring
            raise _damaged() from None
        transposition = _transposition(image)
        try:
            # Pixels alone, before frames are sought (seeking replaces the frame in `image`). Converting reads a
            # palette's transparency from `info`, so it comes before `info` is dropped: Pillow carries some of the
            # source's metadata (a JPEG comment, a colour profile) from `info` into every file it saves.
            upright = image.convert("RGBA" if image.has_transparency_data else "RGB")
            if transposition is not None:
                upright = upright.transpose(transposition)
            for frame in range(1, _frame_count(image)):
                image.seek(frame)
                image.load()
        except Exception:  # noqa: BLE001 - see the docstring
            raise _damaged() from None
    upright.info = {}
    upright.format = "JPEG" if image.format == "MPO" else image.format
    return upright


def _transposition(image: PILImage.Image) -> PILImage.Transpose | None:
    """How to turn a decoded image upright, from its EXIF (or XMP) orientation. Refuses (ValidationError) an EXIF
    block Pillow cannot parse without complaint and an orientation that is not one of the eight the standard
    defines: either way nobody can say which way up the photo goes, and the metadata goes, so a wrong guess would
    be published for good. Pillow's own exif_transpose() is not used: it swallows a damaged block (Pillow already
    parsed it once, quietly, when it opened a JPEG) and re-encodes the EXIF we are about to throw away, which
    raises on values it cannot write back."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns, and skips the rest of the directory, when EXIF is cut short.
            warnings.simplefilter("error")
            if raw := image.info.get("exif"):
                PILImage.Exif().load(raw)
            orientation = image.getexif().get(ORIENTATION, 1)
        if orientation != 1 and orientation not in TRANSPOSITIONS:
            raise ValueError(orientation)
    except Exception:  # noqa: BLE001 - a damaged EXIF block raises from anywhere in Pillow's TIFF parser
        raise ValidationError(
            _(
                "The camera data in this photo, which says which way up it goes, is damaged. Open the photo in a "
                "photo editor, save a copy and upload that."
            ),
            code="bad_orientation",
        ) from None
    return TRANSPOSITIONS.get(orientation)


def _damaged() -> ValidationError:
    return ValidationError(_("This photo is damaged and cannot be read. Upload another copy."), code="damaged")


def prepare(upload) -> PreparedPhoto:
    """
    Everything image_store() writes for `upload`, made in memory: decoded, upright, stripped, every file encoded.

    The editor's form calls this while it validates, so a file that cannot be decoded or encoded is an error on the
    form, not a failure after the form was accepted; the service then only writes. Raises ValidationError only.
    """
    pixels = decode(upload)
    widest = max(rendition_widths(pixels.width))
    if round(pixels.height * widest / pixels.width) > WEBP_MAX_SIDE:
        raise ValidationError(
            _(
                "This image is %(width)s × %(height)s pixels: too long and narrow to make copies for the web from. "
                "Crop it and upload it again."
            ),
            code="too_narrow",
            params={"width": pixels.width, "height": pixels.height},
        )
    try:
        original = encode_original(pixels)
        renditions = tuple(encode_renditions(pixels))
    except Exception:  # pixels decode() accepted should always encode: a bug, so it goes to the log
        logger.exception("Pillow could not encode a decoded photo of %s × %s", pixels.width, pixels.height)
        raise _damaged() from None
    return PreparedPhoto(original=original, renditions=renditions)


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
