"""Photos: storing a photo's files (a new photo, or a new file for one) and saving its descriptions."""

import contextlib

from django.core.files.base import ContentFile
from django.db import transaction

from .. import images, page_tags
from ..models import Image, Rendition


def image_store(*, image: Image, upload=None, prepared: images.PreparedPhoto | None = None, by=None) -> Image:
    """
    Validate `upload`, strip its metadata, store it as `image`'s original and make every rendition, replacing any
    earlier files of this photo. Raises ValidationError (and stores nothing) for a file we do not accept, whatever
    is wrong with it.

    A form that already validated the upload passes what images.prepare() made of it as `prepared` instead, so the
    work is not done twice and nothing can fail here that the form could have reported. Renditions are made at
    upload time, so no reader ever waits for one.
    """
    if (upload is None) == (prepared is None):
        raise TypeError("image_store() takes either an upload or a prepared photo")
    if prepared is None:
        prepared = images.prepare(upload)
    original, renditions = prepared.original, prepared.renditions
    replaced_original = image.original.name if image.pk else ""
    storage = image.original.storage

    with _files_kept_only_on_commit() as written, transaction.atomic():
        name = images.random_name("originals", original.extension)
        image.original.save(name, ContentFile(original.content), save=False)
        written.append((storage, image.original.name))
        image.width, image.height = original.width, original.height
        if image.uploaded_by_id is None:
            image.uploaded_by = by
        image.save()
        _replace_renditions(image, renditions, written)
        if replaced_original:
            transaction.on_commit(lambda: storage.delete(replaced_original))
    return image


@contextlib.contextmanager
def _files_kept_only_on_commit():
    """Yield a list for the (storage, name) of each file written inside the block: if the block fails (its
    transaction rolled back), they would be orphans, and are deleted."""
    written = []
    try:
        yield written
    except BaseException:
        for file_storage, file_name in written:
            file_storage.delete(file_name)
        raise


def _replace_renditions(image, renditions, written):
    """Put `renditions` ((width, format, Encoded)) in place of the photo's current ones, noting each file written
    in `written` (the caller removes them if the transaction fails)."""
    image.renditions.all().delete()  # their files are removed on commit (signal_handlers.py)
    rows = []
    for width, image_format, encoded in renditions:
        rendition = Rendition(image=image, width=width, height=encoded.height, format=image_format)
        rendition.file.save(
            images.random_name("renditions", encoded.extension), ContentFile(encoded.content), save=False
        )
        written.append((rendition.file.storage, rendition.file.name))
        rows.append(rendition)
    Rendition.objects.bulk_create(rows)


def image_renditions_make(*, image: Image) -> Image:
    """Make the photo's renditions again from its stored original, at today's NEWSROOM_RENDITION_WIDTHS and
    formats (after they changed: `manage.py backfill_renditions`). The original is not touched; photos shown
    inside articles by reference show the new renditions at once."""
    name = image.original.name
    with image.original.open("rb") as original:
        pixels = images.decode(original)
    renditions = tuple(images.encode_renditions(pixels))
    with _files_kept_only_on_commit() as written, transaction.atomic():
        # One change of a photo's files at a time; a photo replaced while this one was being encoded keeps the
        # renditions its new original was given.
        current = Image.objects.select_for_update().filter(pk=image.pk).values_list("original", flat=True).first()
        if current != name:
            return image
        _replace_renditions(image, renditions, written)
        # Cached pages name the old files, deleted once this commits.
        page_tags.photo_changed(image.pk)
    return image


def renditions_outdated(image: Image) -> bool:
    """Whether the photo's renditions are not the set today's settings make: each width of
    images.rendition_widths() in each format of images.RENDITION_FORMATS."""
    wanted = {(width, key) for width in images.rendition_widths(image.width) for key in images.RENDITION_FORMATS}
    return {(rendition.width, rendition.format) for rendition in image.renditions.all()} != wanted


def image_describe(*, image: Image, by) -> Image:
    """Save what an editor wrote about a photo (alternative text, caption, credit) without touching its files."""
    image.save()
    return image
