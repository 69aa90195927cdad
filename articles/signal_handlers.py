"""Side effects that follow model changes: file clean-up and page-cache purges (which pages each change purges:
articles/page_tags.py), never workflow."""

from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save
from django.utils.functional import empty

from . import page_tags

# A page's id is a section's, or None for the home page: this says "no page".
_NOT_SHOWN = object()


def delete_file_after_commit(sender, instance, **kwargs):
    """A deleted photo or rendition takes its file with it, once the deletion is committed."""
    field = instance.original if sender.__name__ == "Image" else instance.file
    if field.name:
        storage, name = field.storage, field.name
        transaction.on_commit(lambda: storage.delete(name))


def article_saving(sender, instance, raw=False, **kwargs):
    """Before an article is saved: where readers found it (page_tags.article_changed compares)."""
    if not raw and instance.pk is not None:
        instance._listing_before = page_tags.Listing.stored(instance.pk)


def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        after = page_tags.Listing.of(instance)
        page_tags.article_changed(instance.pk, getattr(instance, "_listing_before", None), after)
        instance._listing_before = after


def article_deleting(sender, instance, **kwargs):
    """Before the cascade takes its tags and bylines: every list it was on."""
    page_tags.article_changed(instance.pk, page_tags.Listing.stored(instance.pk), None)


def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        page_tags.byline_changed(instance)


def correction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        page_tags.correction_changed(instance)


def subject_changed(sender, instance, raw=False, **kwargs):
    """A tag, an author, or an author's link."""
    if not raw:
        subject = page_tags.tag_tag(instance.pk) if sender.__name__ == "Tag" else None
        if subject is None:
            author_id = instance.pk if sender.__name__ == "Author" else instance.author_id
            subject = page_tags.author_tag(author_id)
        page_tags.subject_changed(subject)


def section_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        page_tags.section_changed()


def photo_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        page_tags.photo_changed(instance.pk)


def arrangement_saving(sender, instance, raw=False, **kwargs):
    """Before an arrangement is saved: the page it arranged and whether that page showed it."""
    if not raw and instance.pk is not None:
        stored = sender.objects.filter(pk=instance.pk).first()
        instance._shown_before = stored.section_id if stored is not None and stored.is_in_force() else _NOT_SHOWN


def arrangement_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        shown = {getattr(instance, "_shown_before", _NOT_SHOWN)}
        if instance.is_in_force():
            shown.add(instance.section_id)
        page_tags.arrangement_changed(shown - {_NOT_SHOWN})


def arrangement_deleting(sender, instance, **kwargs):
    page_tags.arrangement_changed({instance.section_id} if instance.is_in_force() else set())


def arranged_part_changed(sender, instance, raw=False, **kwargs):
    """A story or a section block of an arrangement: its page, if it shows the arrangement."""
    if not raw:
        from .models import Arrangement

        arrangement = Arrangement.objects.filter(pk=instance.arrangement_id).first()
        if arrangement is not None and arrangement.is_in_force():
            page_tags.arrangement_changed({arrangement.section_id})


def article_tags_changing(sender, instance, action, reverse, pk_set, **kwargs):
    """Tags added to or taken from an article (or, from the tag's side, articles given or losing a tag)."""
    if action == "pre_clear":
        # Which tags a clear takes, read before they go.
        instance._tags_cleared = set(sender.objects.filter(
            **{"tag_id" if reverse else "content_object_id": instance.pk}
        ).values_list("content_object_id" if reverse else "tag_id", flat=True))  # fmt: skip
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    changed = pk_set if action != "post_clear" else getattr(instance, "_tags_cleared", set())
    if reverse:  # instance is a tag, the set holds articles
        for article_pk in changed or ():
            page_tags.article_tags_changed(article_pk, [instance.pk])
    else:
        page_tags.article_tags_changed(instance.pk, changed or ())


def reset_originals_storage(setting, **kwargs):
    """Django resets its default storage when STORAGES changes; do the same for the originals' storage."""
    if setting == "STORAGES":
        from .models import originals_storage

        originals_storage._wrapped = empty


def register_signal_handlers(app_config):
    from .models import (
        ArrangedSection,
        ArrangedStory,
        Arrangement,
        Article,
        ArticleAuthor,
        Author,
        AuthorLink,
        Correction,
        Image,
        Rendition,
        Section,
        Tag,
    )
    from .sqlite_search import ensure_full_text_index

    post_migrate.connect(ensure_full_text_index, sender=app_config, dispatch_uid="sqlite_full_text_index")
    setting_changed.connect(reset_originals_storage, dispatch_uid="reset_originals_storage")
    post_delete.connect(delete_file_after_commit, sender=Image, dispatch_uid="image_file_cleanup")
    post_delete.connect(delete_file_after_commit, sender=Rendition, dispatch_uid="rendition_file_cleanup")

    # What the reader site shows, purged tag by tag (articles/page_tags.py). Workflow steps, which move the status
    # with an UPDATE, purge from articles/services/articles.py.
    pre_save.connect(article_saving, sender=Article, dispatch_uid="pages_article_saving")
    post_save.connect(article_saved, sender=Article, dispatch_uid="pages_article_saved")
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid="pages_article_deleting")
    pre_save.connect(arrangement_saving, sender=Arrangement, dispatch_uid="pages_arrangement_saving")
    post_save.connect(arrangement_saved, sender=Arrangement, dispatch_uid="pages_arrangement_saved")
    pre_delete.connect(arrangement_deleting, sender=Arrangement, dispatch_uid="pages_arrangement_deleting")
    handlers = {
        ArticleAuthor: byline_changed,
        Correction: correction_changed,
        Author: subject_changed,
        AuthorLink: subject_changed,
        Tag: subject_changed,
        Section: section_changed,
        Image: photo_changed,
        ArrangedStory: arranged_part_changed,
        ArrangedSection: arranged_part_changed,
    }
    for model, handler in handlers.items():
        post_save.connect(handler, sender=model, dispatch_uid=f"pages_saved_{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"pages_deleted_{model.__name__}")
    m2m_changed.connect(article_tags_changing, sender=Article.tags.through, dispatch_uid="pages_article_tags")
