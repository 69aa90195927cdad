"""Submitting and moderating comments. Each moderation act logs one ModerationEvent per comment it changes; the
comment's `moderated_by` / `moderated_at` show the last act, the log keeps them all."""

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles.page_tags import comments_tag
from core.pagecache import pages_purge_on_commit

from ..jobs import moderators_notify, writers_notify_approved
from ..models import Comment, ModerationEvent
from .moderation_events import moderation_events_record


def comment_submit(
    *,
    article,
    name: str,
    email: str,
    body: str,
    parent: Comment | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    hold: bool = False,
) -> Comment:
    """
    Store a consented comment (the form's ticked box, recorded with the version of the consent text agreed to).

    It waits for moderation, unless NEWSROOM_COMMENT_AUTO_APPROVE_KNOWN is on, the writer's e-mail already has an
    approved comment and nothing asked to `hold` it. Moderators hear of pending comments by e-mail.
    """
    known = (
        settings.NEWSROOM_COMMENT_AUTO_APPROVE_KNOWN
        and not hold
        and Comment.objects.approved().filter(email__iexact=email).exists()
    )
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            name=name,
            email=email,
            body=body,
            status=Comment.Status.APPROVED if known else Comment.Status.PENDING,
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:300],
            consent_at=timezone.now(),
            consent_version=settings.NEWSROOM_COMMENT_CONSENT_VERSION,
        )
        if comment.status == Comment.Status.PENDING and settings.NEWSROOM_COMMENT_NOTIFY_MODERATORS:
            # A job, in the same transaction as the comment: the reader never waits for the mail server.
            moderators_notify.enqueue(comment_id=comment.pk)
    if comment.status == Comment.Status.APPROVED:
        pages_purge_on_commit({comments_tag(article.pk)})
    return comment


def _moderate(*, comments: QuerySet[Comment], status: str, action: str, by, then=None) -> int:
    """Set the status of those not in it yet and log each change, in one transaction and a fixed number of
    queries; `then(ids)` runs in that transaction with the ids changed. Approving, or taking back an approved
    comment, changes pages readers see."""
    with transaction.atomic():
        now = timezone.now()
        # Locked, in id order, so the logged status before is the one replaced and two moderators acting on
        # overlapping selections cannot deadlock. The caller's queryset may carry an ordering or a filter that
        # FOR UPDATE refuses; it is only asked for ids.
        locked = (
            Comment.objects.filter(pk__in=comments.values("pk"))
            .exclude(status=status)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", "status", "article_id")
        )
        before, articles = _statuses_and_articles(locked)
        if not before:
            return 0
        Comment.objects.filter(pk__in=before).update(status=status, moderated_at=now, moderated_by=by)
        moderation_events_record(comments=before.items(), action=action, by=by, at=now)
        if then is not None:
            then(sorted(before))
        # Approving, or taking back an approved comment, changes the pages of those comments' articles.
        shown = [article for pk, article in articles.items() if Comment.Status.APPROVED in (status, before[pk])]
        pages_purge_on_commit({comments_tag(article) for article in shown})
        return len(before)


def _statuses_and_articles(rows):
    """{pk: status} and {pk: article id} of (pk, status, article id) rows."""
    before, articles = {}, {}
    for pk, status, article in rows:
        before[pk], articles[pk] = status, article
    return before, articles


def comments_approve(*, comments: QuerySet[Comment], by) -> int:
    """Approve; with NEWSROOM_COMMENT_NOTIFY_APPROVED on, the writers are told their comment is now shown (one job
    for the selection, in the same transaction)."""

    def tell_writers(ids):
        if settings.NEWSROOM_COMMENT_NOTIFY_APPROVED:
            writers_notify_approved.enqueue(comment_ids=ids)

    return _moderate(
        comments=comments,
        status=Comment.Status.APPROVED,
        action=ModerationEvent.Action.APPROVED,
        by=by,
        then=tell_writers,
    )


def comments_reject(*, comments: QuerySet[Comment], by) -> int:
    return _moderate(comments=comments, status=Comment.Status.REJECTED, action=ModerationEvent.Action.REJECTED, by=by)


def comments_mark_spam(*, comments: QuerySet[Comment], by) -> int:
    return _moderate(comments=comments, status=Comment.Status.SPAM, action=ModerationEvent.Action.SPAM, by=by)


def comments_delete(*, comments: QuerySet[Comment], by) -> int:
    """Delete `comments` and the replies that go with them (never shown without them), logging each as deleted
    with the status it had: `by` a moderator, or None for retention. Returns how many comments were deleted."""
    with transaction.atomic():
        doomed = set(comments.values_list("pk", flat=True))
        replies = doomed
        while replies:
            replies = set(Comment.objects.filter(parent__in=replies).values_list("pk", flat=True)) - doomed
            doomed |= replies
        # Locked in id order, as in _moderate(), so the logged status is the one deleted.
        before, articles = _statuses_and_articles(
            Comment.objects.filter(pk__in=doomed).select_for_update().order_by("pk")
            .values_list("pk", "status", "article_id")
        )  # fmt: skip
        if not before:
            return 0
        moderation_events_record(comments=before.items(), action=ModerationEvent.Action.DELETED, by=by,
                                 at=timezone.now())  # fmt: skip
        deleted = Comment.objects.filter(pk__in=before).delete()[1].get(Comment._meta.label, 0)
        shown = {articles[pk] for pk, was in before.items() if was == Comment.Status.APPROVED}
        pages_purge_on_commit({comments_tag(article) for article in shown})
        return deleted
