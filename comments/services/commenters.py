"""A commenter's rights over their data, as the writes they are: an export is recorded in the privacy log, an
erasure changes their comments and is logged there and in the moderation log."""

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.page_tags import comments_tag
from core.pagecache import pages_purge_on_commit

from .. import privacy
from ..models import Comment, ModerationEvent, PrivacyRequest
from .moderation_events import moderation_events_record

ANONYMOUS_NAME = "مجهول"


def commenter_export(*, email: str, by=None) -> dict:
    """Record an export request (a PrivacyRequest row: when, how many comments, which moderator, or none when the
    commenter confirmed it by e-mail) and return the data: everything kept about this address."""
    data = privacy.export_data(email=email)
    PrivacyRequest.objects.create(
        kind=PrivacyRequest.Kind.EXPORT,
        email_digest=privacy.email_digest(email),
        completed_at=timezone.now(),
        comments_affected=len(data["comments"]),
        handled_by=by,
    )
    return data


def commenter_erase(*, email: str, by=None) -> int:
    """On every comment with this address: the name becomes «مجهول», and address, IP and browser are cleared.
    The comments' text stays (it belongs to the discussion); a moderator can delete comments themselves. Each
    comment changed gets a moderation event, the request a PrivacyRequest row; jobs that hold the address go.
    Returns how many comments."""
    with transaction.atomic():
        now = timezone.now()
        rows = list(
            privacy.comments_of(email).select_for_update().order_by("pk").values_list("pk", "status", "article_id")
        )
        before = {pk: status for pk, status, _article in rows}
        if before:
            Comment.objects.filter(pk__in=before).update(name=ANONYMOUS_NAME, email="", ip_address=None, user_agent="")
            moderation_events_record(comments=before.items(), action=ModerationEvent.Action.ERASED, by=by, at=now)
            # The names shown under articles change.
            shown = {article for _pk, status, article in rows if status == Comment.Status.APPROVED}
            pages_purge_on_commit({comments_tag(article) for article in shown})
        PrivacyRequest.objects.create(
            kind=PrivacyRequest.Kind.ERASE,
            email_digest=privacy.email_digest(email),
            completed_at=now,
            comments_affected=len(before),
            handled_by=by,
        )
        # What other apps keep about the address (newsletters' subscriptions: comments/privacy.py's registry).
        privacy.personal_data_erase(email)
        # Jobs that still hold the address (a link that could not be mailed yet, kept for retrying).
        DBTaskResult.objects.filter(
            task_path="comments.jobs.privacy_link_send", args_kwargs__kwargs__email__iexact=email
        ).exclude(status="RUNNING").delete()
    return len(before)
