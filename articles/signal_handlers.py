"""Side effects that follow model changes: only file clean-up, never workflow."""

from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate
from django.utils.functional import empty


def delete_file_after_commit(sender, instance, **kwargs):
    """A deleted photo or rendition takes its file with it, once the deletion is committed."""
    field = instance.original if sender.__name__ == "Image" else instance.file
    if field.name:
        storage, name = field.storage, field.name
        transaction.on_commit(lambda: storage.delete(name))


def reset_originals_storage(setting, **kwargs):
    """Django resets its default storage when STORAGES changes; do the same for the originals' storage."""
    if setting == "STORAGES":
        from .models import originals_storage

        originals_storage._wrapped = empty


def register_signal_handlers(app_config):
    from .models import Image, Rendition
    from .sqlite_search import ensure_full_text_index

    post_migrate.connect(ensure_full_text_index, sender=app_config, dispatch_uid="sqlite_full_text_index")
    setting_changed.connect(reset_originals_storage, dispatch_uid="reset_originals_storage")
    post_delete.connect(delete_file_after_commit, sender=Image, dispatch_uid="image_file_cleanup")
    post_delete.connect(delete_file_after_commit, sender=Rendition, dispatch_uid="rendition_file_cleanup")
