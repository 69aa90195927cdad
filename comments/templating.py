"""What the reader templates (Jinja2, newsroom/templating.py) get from the comments app: the article page shows
its comments and the comment form through `article_comments()`, so the articles app knows nothing of comments."""

import re

from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize
from django.utils.safestring import mark_safe
from jinja2 import pass_context
from markupsafe import Markup

from articles.page_tags import comments_tag, tag_page

from .forms import CommentForm
from .models import Comment

LINK_REL = "nofollow ugc noopener noreferrer"
_LINKABLE = re.compile(r"@|https?://|www\.|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)


def comment_text(text):
    """A reader's plain text as HTML: escaped, line breaks kept, addresses turned into links that carry no
    endorsement (nofollow ugc), no access to this page (noopener) and do not tell the linked site which article the
    reader came from (noreferrer)."""
    # urlize looks at every word, slowly; what it links holds "@" (an address), "http://", "https://", "www." or a
    # ".com"-like ending (django.utils.html.Urlizer). Most comments hold none of them: the same HTML, sooner.
    if not _LINKABLE.search(text):
        return mark_safe(linebreaksbr(text, autoescape=True))  # noqa: S308 - linebreaksbr escapes
    linked = urlize(text, nofollow=False, autoescape=True)
    linked = linked.replace('<a href="', f'<a rel="{LINK_REL}" href="')
    return mark_safe(linebreaksbr(linked, autoescape=False))  # noqa: S308 - urlize escaped the text


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


@pass_context
def article_comments(context, article, form=None):
    """An article's approved comments, threaded (one query), their count, and the comment form."""
    comments = list(
        Comment.objects.approved().filter(article=article).only("id", "parent_id", "name", "body", "created_at")
    )
    tag_page(comments_tag(article.pk))
    request = context.get("request")
    if not form:
        form = CommentForm(article=article)
        # «رد» links carry ?reply_to=<id>: a plain link, so replying works without JavaScript and from caches.
        reply_to = request.GET.get("reply_to", "") if request is not None else ""
        if reply_to.isdigit() and any(comment.pk == int(reply_to) for comment in comments):
            form.initial["parent"] = int(reply_to)
    parent_id = form["parent"].value()
    replying_to = next((c for c in comments if str(c.pk) == str(parent_id)), None) if parent_id else None
    template = context.environment.get_template("comments/comments.html")
    return Markup(  # noqa: S704 - an autoescaping template's output
        template.render(
            {
                **context.get_all(),
                "replying_to": replying_to,
                "article": article,
                "thread": thread(comments),
                "count": len(comments),
                "form": form,
                "posted": request is not None and request.GET.get("comment") == "pending",
                "ip_days": settings.NEWSROOM_COMMENT_IP_RETENTION_DAYS,
                "email_days": settings.NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS,
                # Only a page that is not cached anyway (a refused post) carries a token of its own.
                "csrf_value": context.get("comment_csrf", ""),
            }
        )
    )


GLOBALS = {"article_comments": article_comments}
FILTERS = {"comment_text": comment_text}
