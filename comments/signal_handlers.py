from django.utils import timezone

from articles.page_tags import comments_tag
from core.pagecache import pages_purge_on_commit


def comment_deleted(sender, instance, **kwargs):
    """A deleted approved comment disappears from its article's pages."""
    if instance.status == instance.Status.APPROVED:
        pages_purge_on_commit({comments_tag(instance.article_id)})


def article_deleting(sender, instance, **kwargs):
    """An article being deleted takes its comments with it (a cascade that passes no service): each is logged in
    the moderation log as deleted, by nobody, before it goes."""
    from .models import Comment, ModerationEvent
    from .services.moderation_events import moderation_events_record

    comments = Comment.objects.filter(article=instance).order_by("pk").values_list("pk", "status")
    moderation_events_record(comments=list(comments), action=ModerationEvent.Action.DELETED, by=None,
                             at=timezone.now())  # fmt: skip
