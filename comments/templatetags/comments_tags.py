from django import template
from django.conf import settings

from ..forms import CommentForm
from ..models import Comment

register = template.Library()


@register.inclusion_tag("comments/comments.html", takes_context=True)
def article_comments(context, article, form=None):
    """An article's approved comments, threaded (one query), their count, and the comment form."""
    comments = list(
        Comment.objects.approved().filter(article=article).only("id", "parent_id", "name", "body", "created_at")
    )
    children = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.thread = children.get(comment.pk, [])
    request = context.get("request")
    return {
        "article": article,
        "threads": children.get(None, []),
        "count": len(comments),
        "form": form or CommentForm(article=article),
        "posted": request is not None and request.GET.get("comment") == "pending",
        "ip_days": settings.NEWSROOM_COMMENT_IP_RETENTION_DAYS,
        "email_days": settings.NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS,
        "request": request,
        # Only a page that is not cached anyway (a refused post) carries a token of its own.
        "csrf_value": context.get("comment_csrf", ""),
    }
