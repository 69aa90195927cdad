"""
A photo file damaged in any way (cut short, bits flipped, bytes overwritten, pieces spliced in) gives the editor a
translated error on the upload field and stores nothing, never an exception; a file that is accepted is stored
whole, every copy decoding cleanly and carrying no EXIF. Property-based at function level (the form and the
service), then a few examples through the real admin.
"""

import functools
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL import ImageDraw

from articles.admin import ImageForm
from articles.models import Image, Rendition
from articles.services.images import image_store
from tests import photos
from tests.factories import sign_in

ARABIC_LETTER = re.compile("[\u0621-\u064a]")
LATIN_LETTER = re.compile("[A-Za-z]")
# Every refusal an upload can meet (an empty file is Django's FileField's own); format names (JPEG, WebP) and
# numbers are the only Latin script in the Arabic messages.
REFUSALS = {
    "empty",
    "not_an_image",
    "format_not_accepted",
    "too_many_pixels",
    "too_many_frames",
    "damaged",
    "bad_orientation",
    "too_narrow",
}
FORMAT_NAMES = re.compile(r"JPEG|PNG|WebP|GIF|[A-Z0-9]{2,}")
STORED_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
TYPED = {"alt_ar": "نص بديل كتبه المحرر", "alt_en": "", "caption_ar": "تعليق الصورة", "caption_en": "",
         "credit_ar": "ليلى", "credit_en": ""}  # fmt: skip


def _scene(size, mode="RGB"):
    """A small picture with edges, gradients and noise, so every part of the encoded file carries real data."""
    width, height = size
    noise = PILImage.effect_noise(size, 60)
    gradient = PILImage.linear_gradient("L").resize(size)
    picture = PILImage.merge("RGB", (gradient, noise, gradient.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)))
    ImageDraw.Draw(picture).rectangle((0, 0, width // 3, height // 3), fill=(20, 40, 160))
    if mode == "RGBA":
        picture.putalpha(gradient.transpose(PILImage.Transpose.ROTATE_180))
    return picture


def _saved(picture, image_format, **options):
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


@functools.cache
def seeds():
    """Real files made with Pillow, built once: the ones the mutations start from."""
    palette = _scene((48, 36)).convert("P", palette=PILImage.Palette.ADAPTIVE, colors=16)
    return {
        "camera.jpg": photos.camera_jpeg(64, 48).read(),  # EXIF orientation 6, GPS, serial, XMP, comment
        "progressive.jpg": _saved(_scene((56, 40)), "JPEG", progressive=True, quality=85),
        "alpha.png": _saved(_scene((48, 36), "RGBA"), "PNG"),
        "palette.png": _saved(palette, "PNG", transparency=0),
        "oriented.webp": _saved(_scene((60, 40)), "WEBP", quality=80, exif=photos.orientation_exif(8)),
        "alpha.webp": _saved(_scene((40, 30), "RGBA"), "WEBP", lossless=True),
    }


@st.composite
def damaged_files(draw):
    """(file name, bytes): a seed with one to three mutations applied in turn."""
    name = draw(st.sampled_from(sorted(seeds())))
    data = bytearray(seeds()[name])
    for _step in range(draw(st.integers(1, 3))):
        if not data:
            break
        size = len(data)
        at = draw(st.integers(0, size - 1))
        match draw(st.sampled_from(["truncate", "flip", "overwrite", "splice", "delete", "repeat"])):
            case "truncate":
                del data[at:]
            case "flip":
                data[at] ^= 1 << draw(st.integers(0, 7))
            case "overwrite":
                chunk = draw(st.binary(min_size=1, max_size=16))
                data[at : at + len(chunk)] = chunk
            case "splice":  # a run of another seed's (or this file's own) bytes, inserted
                donor = seeds()[draw(st.sampled_from(sorted(seeds())))]
                start = draw(st.integers(0, len(donor) - 1))
                data[at:at] = donor[start : start + draw(st.integers(1, 512))]
            case "delete":
                del data[at : at + draw(st.integers(1, 512))]
            case "repeat":  # a run of the file itself written twice, as a confused transfer might
                data[at:at] = data[at : at + draw(st.integers(1, 512))]
    return name, bytes(data)


def _files_on_disk(settings):
    folders = (settings.MEDIA_ROOT, settings.STORAGES["originals"]["OPTIONS"]["location"])
    return {path for folder in folders if folder.exists() for path in folder.rglob("*") if path.is_file()}


def _assert_stored_whole_and_clean(image):
    stored = [image.original, *(rendition.file for rendition in image.renditions.all())]
    assert len(stored) >= 3
    for field_file in stored:
        with field_file.open() as handle:
            raw = handle.read()
        with PILImage.open(io.BytesIO(raw)) as picture:
            picture.load()  # raises on anything truncated: Pillow's LOAD_TRUNCATED_IMAGES is off
            assert picture.format == STORED_FORMATS[field_file.name.rpartition(".")[2]], field_file.name
            assert dict(picture.getexif()) == {}, field_file.name
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(picture.info), field_file.name
        assert b"Exif\x00\x00" not in raw and b"SN-0042-SECRET" not in raw, field_file.name


def _assert_translated_refusal(error, message):
    assert error.code in REFUSALS, error.code
    assert ARABIC_LETTER.search(message), message
    assert not LATIN_LETTER.search(FORMAT_NAMES.sub("", message)), message


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=500, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(damaged=damaged_files())
def test_a_damaged_file_is_refused_with_a_translated_error_or_stored_whole(settings, damaged):
    """The form either accepts the file, and then every stored copy decodes whole with no EXIF, or refuses it with
    an Arabic error on the upload field alone, the service refusing it too and nothing stored; nothing raises."""
    name, data = damaged
    files_before, images_before = _files_on_disk(settings), Image.objects.count()
    form = ImageForm(data=TYPED, files={"upload": SimpleUploadedFile(name, data, content_type="image/jpeg")})
    if form.is_valid():
        image = image_store(image=form.save(commit=False), prepared=form.cleaned_data["upload"])
        _assert_stored_whole_and_clean(image)
        event("accepted")
        return
    assert list(form.errors) == ["upload"]  # the editor's other fields are fine and are shown back as typed
    [error] = form.errors.as_data()["upload"]
    event(f"refused: {error.code}")
    _assert_translated_refusal(error, form.errors["upload"][0])
    # Other callers (commands, the API) go straight to the service: it refuses the same way.
    with pytest.raises(ValidationError) as refused:
        image_store(image=Image(alt_ar="صورة"), upload=SimpleUploadedFile(name, data))
    assert refused.value.code == ("not_an_image" if error.code == "empty" else error.code)
    assert _files_on_disk(settings) == files_before and Image.objects.count() == images_before


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(seeds()))
def test_every_seed_is_accepted_as_it_is_and_stored_clean(name):
    """The mutations start from files that are themselves good: refusing them all would pass the property."""
    form = ImageForm(data=TYPED, files={"upload": SimpleUploadedFile(name, seeds()[name])})
    assert form.is_valid(), form.errors
    _assert_stored_whole_and_clean(image_store(image=form.save(commit=False), prepared=form.cleaned_data["upload"]))


# Through the real admin: a logged-in editor on the add-photo and change-photo pages.


@pytest.fixture
def editor_client(client):
    sign_in(client, get_user_model().objects.create_superuser("hala", "hala@example.org", "unused password"))
    return client


def _cut(name, data, keep=0.6):
    return SimpleUploadedFile(name, data[: int(len(data) * keep)])


# What the editor uploads → the refusal they get.
DAMAGED_UPLOADS = {
    "truncated camera JPEG": (lambda: photos.truncated_jpeg(), "damaged"),
    "truncated PNG": (lambda: _cut("chart.png", seeds()["alpha.png"]), "damaged"),
    "truncated WebP": (lambda: _cut("photo.webp", seeds()["oriented.webp"]), "damaged"),
    "APNG frame bomb": (lambda: photos.animated("PNG", claimed_frames=2**31 - 1), "too_many_frames"),
    "EXIF cut short": (lambda: photos.jpeg_with_exif(photos.orientation_exif(6)[:50]), "bad_orientation"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DAMAGED_UPLOADS)
def test_an_editor_posting_a_damaged_photo_gets_the_form_back_with_an_arabic_error(editor_client, settings, kind):
    upload, code = DAMAGED_UPLOADS[kind]
    response = editor_client.post("/admin/articles/image/add/", {**TYPED, "upload": upload()})
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors.as_data()["upload"]
    assert error.code == code
    html = response.content.decode()
    assert str(error.message % (error.params or {})) in html  # shown on the page, in Arabic
    _assert_translated_refusal(error, str(error.message % (error.params or {})))
    assert "نص بديل كتبه المحرر" in html and "تعليق الصورة" in html
    assert not Image.objects.exists() and not Rendition.objects.exists()
    assert _files_on_disk(settings) == set()


@pytest.mark.django_db
def test_a_truncated_jpeg_on_the_add_photo_page_is_refused_in_arabic(editor_client, settings):
    response = editor_client.post("/admin/articles/image/add/", {**TYPED, "upload": photos.truncated_jpeg()})
    assert response.status_code == 200
    assert "هذه الصورة تالفة ولا يمكن قراءتها. ارفع نسخة أخرى منها." in response.content.decode()
    assert not Image.objects.exists() and _files_on_disk(settings) == set()


@pytest.mark.django_db
def test_under_en_admin_the_error_is_in_english(editor_client, settings):
    response = editor_client.post("/en/admin/articles/image/add/", {**TYPED, "upload": photos.truncated_jpeg()})
    assert response.status_code == 200
    assert "This photo is damaged and cannot be read. Upload another copy." in response.content.decode()
    assert not Image.objects.exists() and _files_on_disk(settings) == set()


@pytest.mark.django_db
def test_replacing_a_photo_with_a_truncated_file_keeps_the_photo_as_it_was(editor_client, settings):
    image = image_store(image=Image(alt_ar="عبّارة على الفرات"), upload=photos.png())
    files = _files_on_disk(settings)
    renditions = set(image.renditions.values_list("file", flat=True))
    response = editor_client.post(
        f"/admin/articles/image/{image.pk}/change/", {**TYPED, "upload": photos.truncated_jpeg()}
    )
    assert response.status_code == 200
    assert "هذه الصورة تالفة ولا يمكن قراءتها." in response.content.decode()
    image.refresh_from_db()
    assert image.alt_ar == "عبّارة على الفرات" and (image.width, image.height) == (300, 200)
    assert set(image.renditions.values_list("file", flat=True)) == renditions
    assert _files_on_disk(settings) == files
