from django import template
from django.conf import settings

from ..forms import CommentForm
from ..models import Comment

register = template.Library()


def thread(comments):
    """
    `comments` (oldest first) in reading order, each reply after the comment it answers, for a template that writes
    the nested lists in one loop (no template included per comment, however deep the thread): every comment gets
    `has_replies` (open a list of replies after it) and `closes` (how many lists of replies end after it). Replies
    to a comment readers cannot see are left out with it.
    """
    children = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    ordered = []
    pending = [iter(children.get(None, []))]
    while pending:
        comment = next(pending[-1], None)
        if comment is None:
            pending.pop()
            if pending:  # a list of replies has ended: after its last comment, which has no replies itself
                ordered[-1].closes.append(None)
            continue
        replies = children.get(comment.pk)
        comment.has_replies, comment.closes = bool(replies), []
        ordered.append(comment)
        if replies:
            pending.append(iter(replies))
    return ordered


@register.inclusion_tag("comments/comments.html", takes_context=True)
def article_comments(context, article, form=None):
    """An article's approved comments, threaded (one query), their count, and the comment form."""
    comments = list(
        Comment.objects.approved().filter(article=article).only("id", "parent_id", "name", "body", "created_at")
    )
    request = context.get("request")
    if not form:  # the template passes "" when the page has no bound form
        form = CommentForm(article=article)
        # «رد» links carry ?reply_to=<id>: a plain link, so replying works without JavaScript and from caches.
        reply_to = request.GET.get("reply_to", "") if request is not None else ""
        if reply_to.isdigit() and any(comment.pk == int(reply_to) for comment in comments):
            form.initial["parent"] = int(reply_to)
    parent_id = form["parent"].value()
    replying_to = next((c for c in comments if str(c.pk) == str(parent_id)), None) if parent_id else None
    return {
        "replying_to": replying_to,
        "article": article,
        "thread": thread(comments),
        "count": len(comments),
        "form": form,
        "posted": request is not None and request.GET.get("comment") == "pending",
        "ip_days": settings.NEWSROOM_COMMENT_IP_RETENTION_DAYS,
        "email_days": settings.NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS,
        "request": request,
        # Only a page that is not cached anyway (a refused post) carries a token of its own.
        "csrf_value": context.get("comment_csrf", ""),
    }
