"""Template tags for the admin's templates (Django's template language)."""

from django import template

from ..models import Comment

register = template.Library()


@register.simple_tag
def moderation_queue(user, limit=10):
    """For the admin home: how many comments wait for moderation and the oldest of them (they have waited longest),
    with their articles; None for staff who do not moderate."""
    if not user.has_perm("comments.change_comment"):
        return None
    pending = Comment.objects.pending()
    return {
        "count": pending.count(),
        "comments": list(
            pending.select_related("article").only("pk", "name", "body", "created_at", "article__headline_ar",
                                                   "article__headline_en").order_by("created_at", "pk")[:limit]
        ),
    }  # fmt: skip
