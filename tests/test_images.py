"""Photos: what is accepted, what is refused, and that no stored file keeps a trace of where it was taken."""

import io
import re

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image as PILImage
from PIL import ImageFile

from articles import images
from articles.models import Image, Rendition
from articles.services.images import image_store
from tests import photos


def _store(upload, **fields):
    image = Image(alt_ar=fields.pop("alt_ar", "صورة من الميدان"), **fields)
    return image_store(image=image, upload=upload)


def _stored_files(image):
    yield image.original.storage, image.original.name
    for rendition in image.renditions.all():
        yield rendition.file.storage, rendition.file.name


@pytest.mark.django_db
def test_a_camera_jpeg_comes_out_clean_in_every_stored_file():
    image = _store(photos.camera_jpeg())
    files = list(_stored_files(image))
    assert len(files) == 1 + 2  # the original; upright the photo is 480 wide: one width, as WebP and JPEG
    for storage, name in files:
        with storage.open(name) as handle:
            raw = handle.read()
        with storage.open(name) as handle, PILImage.open(handle) as stored:
            assert dict(stored.getexif()) == {}, name
            assert "xmp" not in stored.info and "exif" not in stored.info, name
        for secret in (b"SN-0042-SECRET", b"PhoneMaker", b"Field Phone", b"GPSLatitude", b"Exif\x00\x00", b"source 7"):
            assert secret not in raw, (name, secret)


@pytest.mark.django_db
def test_orientation_is_applied_before_the_metadata_goes():
    image = _store(photos.camera_jpeg(640, 480))
    assert (image.width, image.height) == (480, 640)
    with image.original.open() as handle, PILImage.open(handle) as stored:
        assert stored.size == (480, 640)
        # The blue block drawn at the top-left of the sensor image is at the top-right once rotated upright.
        assert stored.convert("RGB").getpixel((470, 10))[2] > 120
        assert stored.convert("RGB").getpixel((10, 10))[2] < 120


@pytest.mark.django_db
def test_renditions_are_made_at_upload_in_three_widths_as_webp_and_jpeg(settings):
    image = _store(photos.camera_jpeg(2400, 1600))  # upright: 1600 × 2400
    made = sorted(image.renditions.values_list("width", "format"))
    assert made == [(w, f) for w in (480, 960, 1600) for f in ("jpeg", "webp")]
    for rendition in image.renditions.all():
        with rendition.file.open() as handle, PILImage.open(handle) as stored:
            assert stored.format == {"jpeg": "JPEG", "webp": "WEBP"}[rendition.format]
            assert stored.size == (rendition.width, rendition.height)
            assert rendition.height == round(2400 * rendition.width / 1600)


@pytest.mark.django_db
def test_a_small_photo_is_never_enlarged():
    image = _store(photos.png(300, 200))
    assert sorted(set(image.renditions.values_list("width", flat=True))) == [300]


@pytest.mark.django_db
def test_transparent_png_keeps_its_alpha_in_the_original_and_is_flattened_in_jpeg():
    image = _store(photos.png(300, 200, mode="RGBA"))
    with image.original.open() as handle, PILImage.open(handle) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA"
    jpeg = image.renditions.get(format="jpeg")
    with jpeg.file.open() as handle, PILImage.open(handle) as stored:
        assert stored.mode == "RGB"


@pytest.mark.django_db
def test_file_names_are_random_ascii_and_originals_are_not_public(settings):
    image = _store(photos.camera_jpeg(name="صورة الباغوز.jpg"))
    names = [name for _storage, name in _stored_files(image)]
    assert all(re.fullmatch(r"(originals|renditions)/[0-9a-f]{2}/[0-9a-f]{32}\.(jpg|webp|png)", n) for n in names)
    private, public = settings.STORAGES["originals"]["OPTIONS"]["location"], settings.MEDIA_ROOT
    assert (private / image.original.name).is_file() and not (public / image.original.name).exists()
    assert all((public / rendition.file.name).is_file() for rendition in image.renditions.all())
    with pytest.raises(ValueError):
        image.original.url  # noqa: B018 - the original has no public address


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "code", "words"),
    [
        (photos.decompression_bomb, "too_many_pixels", "ميغابكسل"),
        (photos.not_an_image, "not_an_image", "ليس صورة"),
        (photos.gif, "format_not_accepted", "لا نقبل ملفات GIF"),
    ],
)
def test_refused_uploads_store_nothing(upload, code, words, settings):
    with pytest.raises(ValidationError) as refused:
        _store(upload())
    assert refused.value.code == code
    assert words in " ".join(refused.value.messages)
    assert not Image.objects.exists() and not Rendition.objects.exists()
    for folder in (settings.MEDIA_ROOT, settings.STORAGES["originals"]["OPTIONS"]["location"]):
        assert not folder.exists() or not any(folder.rglob("*.*"))


@pytest.mark.django_db
def test_an_image_over_the_pixel_limit_is_refused_before_decoding(settings):
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as refused:
        _store(photos.png(1200, 1000))
    assert refused.value.code == "too_many_pixels"
    assert "1200 × 1000" in refused.value.messages[0]


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        _store(photos.camera_jpeg())
    assert refused.value.code == "file_too_large"


@pytest.mark.django_db(transaction=True)
def test_replacing_a_photo_removes_the_old_files_and_deleting_removes_the_rest():
    image = _store(photos.camera_jpeg())
    first = list(_stored_files(image))
    image_store(image=image, upload=photos.png())
    second = list(_stored_files(image))
    assert not any(storage.exists(name) for storage, name in first)
    assert all(storage.exists(name) for storage, name in second)
    image.delete()
    assert not any(storage.exists(name) for storage, name in second)


@pytest.mark.django_db
def test_a_phone_jpeg_with_several_frames_is_accepted_as_a_jpeg():
    image = _store(photos.camera_mpo())
    with image.original.open() as handle, PILImage.open(handle) as stored:
        assert stored.format == "JPEG" and stored.size == (800, 600)
    assert image.original.name.endswith(".jpg")


def _refusal(upload):
    """The ValidationError image_store() raises for `upload`, after checking it stored nothing."""
    with pytest.raises(ValidationError) as refused:
        _store(upload)
    assert not Image.objects.exists() and not Rendition.objects.exists()
    return refused.value


@pytest.mark.django_db
def test_a_frame_bomb_is_refused_before_any_frame_is_decoded():
    """An APNG of three small frames whose header claims two billion of them."""
    refused = _refusal(photos.animated("PNG", claimed_frames=2**31 - 1))
    assert refused.code == "too_many_frames"
    assert "2147483647" in refused.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_an_animation_is_judged_by_its_frames_together_and_stored_as_its_first(settings, image_format):
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 100 * 100 * 4
    image = _store(photos.animated(image_format, frames=4, size=(100, 100)))
    with image.original.open() as handle, PILImage.open(handle) as stored:
        assert stored.size == (100, 100) and not getattr(stored, "is_animated", False)
        red, _green, _blue = stored.convert("RGB").getpixel((5, 5))
        assert red < 20  # the first frame's; the second is 40, the third 80
    image.delete()
    assert _refusal(photos.animated(image_format, frames=5, size=(100, 100))).code == "too_many_frames"


@pytest.mark.django_db
def test_an_animation_of_more_frames_than_the_limit_is_refused():
    assert _refusal(photos.animated("PNG", frames=images.MAX_FRAMES + 1, size=(2, 2))).code == "too_many_frames"


@pytest.mark.django_db
def test_an_animation_missing_a_frame_it_claims_is_refused_as_damaged():
    assert _refusal(photos.animated("PNG", frames=3, claimed_frames=4)).code == "damaged"


@pytest.mark.django_db
@pytest.mark.parametrize("cut", [14, 20, 40, 50])
def test_exif_cut_short_is_refused_rather_than_guessing_which_way_is_up(cut):
    """The orientation (rotate 90°) comes after the make and model: cut short, Pillow only warns and the photo
    would have been published lying on its side."""
    refused = _refusal(photos.jpeg_with_exif(photos.orientation_exif(6)[:cut]))
    assert refused.code == "bad_orientation"


@pytest.mark.django_db
def test_only_the_eight_orientations_the_standard_defines_are_accepted():
    for orientation in range(1, 9):
        image = _store(photos.jpeg_with_exif(photos.orientation_exif(orientation), 64, 48))
        assert (image.width, image.height) == ((64, 48) if orientation <= 4 else (48, 64)), orientation
        image.delete()
    for orientation in (0, 9, 255):
        refused = _refusal(photos.jpeg_with_exif(photos.orientation_exif(orientation)))
        assert refused.code == "bad_orientation", orientation


@pytest.mark.django_db
def test_an_image_too_long_and_narrow_for_webp_renditions_is_refused_with_its_size():
    refused = _refusal(photos.png(10, 20_000, mode="L"))
    assert refused.code == "too_narrow"
    assert "10 × 20000" in refused.messages[0]


@pytest.mark.django_db
def test_a_palette_png_keeps_its_transparency():
    buffer = io.BytesIO()
    palette = PILImage.new("P", (30, 20), 1)
    palette.putpalette([255, 0, 0, 0, 0, 255])
    palette.save(buffer, "PNG", transparency=1)
    image = _store(SimpleUploadedFile("logo.png", buffer.getvalue()))
    with image.original.open() as handle, PILImage.open(handle) as stored:
        assert stored.convert("RGBA").getpixel((0, 0))[3] == 0


@pytest.mark.django_db
def test_pillow_told_to_load_truncated_files_is_a_configuration_error(monkeypatch):
    """With LOAD_TRUNCATED_IMAGES on, Pillow pads a cut-off photo with grey instead of failing; whatever turned it
    on, the upload fails loudly rather than publish half a photo."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ImproperlyConfigured):
        _store(photos.truncated_jpeg())
    assert not Image.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "arabic", "english"),
    [
        (
            lambda: photos.jpeg_with_exif(photos.orientation_exif(9)),
            "بيانات الكاميرا في هذه الصورة، التي تحدد أي جهاتها إلى الأعلى، تالفة. افتح الصورة في برنامج لتحرير "
            "الصور واحفظ نسخة منها ثم ارفع النسخة.",
            "The camera data in this photo, which says which way up it goes, is damaged. Open the photo in a photo "
            "editor, save a copy and upload that.",
        ),
        (
            lambda: photos.animated("PNG", claimed_frames=1_000_100),
            "هذه الصورة رسم متحرك من 1000100 إطار، وهذا أكثر مما نقبل (1000 إطار و50 ميغابكسل في الإطارات كلها "
            "على الأكثر). ارفع صورة ثابتة.",
            "This image is an animation of 1000100 frames, more than we accept (at most 1000 frames and 50 "
            "megapixels in all). Upload a still photo.",
        ),
        (
            lambda: photos.animated("PNG", claimed_frames=1013),
            "هذه الصورة رسم متحرك من 1013 إطارًا، وهذا أكثر مما نقبل (1000 إطار و50 ميغابكسل في الإطارات كلها "
            "على الأكثر). ارفع صورة ثابتة.",
            "This image is an animation of 1013 frames, more than we accept (at most 1000 frames and 50 "
            "megapixels in all). Upload a still photo.",
        ),
        (
            lambda: photos.png(10, 20_000, mode="L"),
            "أبعاد هذه الصورة 10 × 20000 بكسل: هي أطول وأضيق من أن نصنع منها نسخًا للويب. اقتصّها ثم ارفعها من جديد.",
            "This image is 10 × 20000 pixels: too long and narrow to make copies for the web from. Crop it and "
            "upload it again.",
        ),
    ],
)
def test_refusals_of_damaged_files_are_translated(upload, arabic, english):
    refused = _refusal(upload())
    with translation.override("ar"):
        assert refused.messages == [arabic]
    with translation.override("en"):
        assert refused.messages == [english]
