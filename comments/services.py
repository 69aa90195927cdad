"""State changes of reader comments: submitting and moderating. Views and admin actions call these."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Comment


def comment_submit(*, article, name, email, body, parent=None, ip_address=None, user_agent="") -> Comment:
    """Store a consented comment, waiting for moderation. The consent is the form's ticked box, recorded with the
    version of the consent text the commenter agreed to."""
    return Comment.objects.create(
        article=article,
        parent=parent,
        name=name,
        email=email,
        body=body,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:300],
        consent_at=timezone.now(),
        consent_version=settings.NEWSROOM_COMMENT_CONSENT_VERSION,
    )


def _moderate(*, comments, status, by) -> int:
    with transaction.atomic():
        return comments.exclude(status=status).update(status=status, moderated_at=timezone.now(), moderated_by=by)


def comments_approve(*, comments, by) -> int:
    return _moderate(comments=comments, status=Comment.Status.APPROVED, by=by)


def comments_reject(*, comments, by) -> int:
    return _moderate(comments=comments, status=Comment.Status.REJECTED, by=by)


def comments_mark_spam(*, comments, by) -> int:
    return _moderate(comments=comments, status=Comment.Status.SPAM, by=by)
