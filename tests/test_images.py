"""Photos: what is accepted, what is refused, and that no stored file keeps a trace of where it was taken."""

import re

import pytest
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from articles.models import Image, Rendition
from articles.services import image_store
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


@pytest.mark.django_db(transaction=True)
def test_replacing_a_photo_shown_inline_repoints_the_articles_that_show_it(client):
    """An editor pasted a rendition's address into a body; the photo is then replaced (say, to blur a face). The
    article shows the new photo at the same size, not a broken image, and the old file is gone."""
    from tests.factories import make_article

    image = _store(photos.camera_jpeg(3000, 2000))  # shown upright: 2000 wide
    webp_960 = image.renditions.get(format="webp", width=960).file.url
    jpeg_1600 = image.renditions.get(format="jpeg", width=1600).file.url
    body = f'<figure><img src="{webp_960}" alt="جسر"></figure><p>نص</p><p><img src="{jpeg_1600}" alt="نهر"></p>'
    article = make_article(body_ar=body, body_en=body, headline_en="Bridge")
    untouched = make_article(body_ar='<p><img src="/media/renditions/xx/other.jpg" alt="آخر"></p>')

    image_store(image=image, upload=photos.camera_jpeg(1600, 1200))  # 1200 wide: no 1600-wide rendition now

    article.refresh_from_db()
    new_webp_960 = image.renditions.get(format="webp", width=960).file.url
    new_jpeg_widest = image.renditions.filter(format="jpeg").order_by("-width").first().file.url
    assert webp_960 not in article.body_ar + article.body_en and jpeg_1600 not in article.body_ar
    assert f'src="{new_webp_960}"' in article.body_ar and f'src="{new_jpeg_widest}"' in article.body_en
    assert article.version == 2  # an editor's form from before is refused on save, not saved with the old address
    page = client.get(article.get_absolute_url()).content.decode()
    assert new_webp_960 in page and webp_960 not in page
    untouched.refresh_from_db()
    assert "/media/renditions/xx/other.jpg" in untouched.body_ar


@pytest.mark.django_db
def test_a_phone_jpeg_with_several_frames_is_accepted_as_a_jpeg():
    image = _store(photos.camera_mpo())
    with image.original.open() as handle, PILImage.open(handle) as stored:
        assert stored.format == "JPEG" and stored.size == (800, 600)
    assert image.original.name.endswith(".jpg")
