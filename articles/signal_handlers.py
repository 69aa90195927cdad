"""Side effects that follow model changes: file clean-up and page-cache purges, never workflow."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.functional import empty


def delete_file_after_commit(sender, instance, **kwargs):
    """A deleted photo or rendition takes its file with it, once the deletion is committed."""
    field = instance.original if sender.__name__ == "Image" else instance.file
    if field.name:
        storage, name = field.storage, field.name
        transaction.on_commit(lambda: storage.delete(name))


def _unseen(instance):
    """An article that readers cannot see now (`Article.is_visible()`: a draft, one in review, one unpublished or
    scheduled for later), or a part of one (a byline, a correction). Its status only changes through
    articles/services/articles.py, which purges by itself, and a scheduled article's coming due is the page
    cache's next-due time: saving it changes no page, and purging would empty the page cache each time a reporter
    saves a draft."""
    from .models import Article

    try:
        article = instance if isinstance(instance, Article) else getattr(instance, "article", None)
    except ObjectDoesNotExist:  # a part deleted with its article
        return False
    return article is not None and not article.is_visible()


def purge_pages(sender, instance=None, raw=False, **kwargs):
    """Anything readers see has changed: every cached page is stale once the change commits (core/pagecache.py)."""
    if not raw and not _unseen(instance):
        from core.pagecache import pages_changed_on_commit

        pages_changed_on_commit()


def purge_pages_on_tags(sender, instance, action, reverse, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        purge_pages(sender, instance=None if reverse else instance)


def reset_originals_storage(setting, **kwargs):
    """Django resets its default storage when STORAGES changes; do the same for the originals' storage."""
    if setting == "STORAGES":
        from .models import originals_storage

        originals_storage._wrapped = empty


def register_signal_handlers(app_config):
    from .models import Article, ArticleAuthor, Author, AuthorLink, Correction, Image, Rendition, Section, Tag
    from .sqlite_search import ensure_full_text_index

    post_migrate.connect(ensure_full_text_index, sender=app_config, dispatch_uid="sqlite_full_text_index")
    setting_changed.connect(reset_originals_storage, dispatch_uid="reset_originals_storage")
    post_delete.connect(delete_file_after_commit, sender=Image, dispatch_uid="image_file_cleanup")
    post_delete.connect(delete_file_after_commit, sender=Rendition, dispatch_uid="rendition_file_cleanup")

    # What the reader site shows. Workflow steps save the article, so publishing, editing, unpublishing and
    # scheduling all pass through here.
    for model in (Article, ArticleAuthor, Author, AuthorLink, Correction, Image, Section, Tag):
        post_save.connect(purge_pages, sender=model, dispatch_uid=f"purge_pages_saved_{model.__name__}")
        post_delete.connect(purge_pages, sender=model, dispatch_uid=f"purge_pages_deleted_{model.__name__}")
    m2m_changed.connect(purge_pages_on_tags, sender=Article.tags.through, dispatch_uid="purge_pages_tags")
