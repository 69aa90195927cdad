from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django.db.models.signals import post_delete, pre_delete

        from .signal_handlers import article_deleting, comment_deleted

        post_delete.connect(comment_deleted, sender="comments.Comment", dispatch_uid="comments_purge_pages")
        pre_delete.connect(article_deleting, sender="articles.Article", dispatch_uid="comments_log_article_deletion")
