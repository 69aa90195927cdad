"""The comments app's background jobs: e-mail to moderators, to writers whose comment was approved, and to
commenters who asked for their data. Each reads what it needs when it runs and sends through core.mail.deliver(),
once per key."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from core.jobs import forget_when_done
from core.mail import deliver

from . import privacy
from .models import Comment


@task()
def moderators_notify(*, comment_id: int) -> bool:
    """Tell the moderators (and superusers) that a comment waits: who wrote on which article, and where to look.
    The comment's text stays in the admin. Nothing is sent if it was moderated or deleted meanwhile."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id, status=Comment.Status.PENDING).first()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    recipients = sorted(
        set(users.filter(Q(groups__name="moderator") | Q(is_superuser=True)).values_list("email", flat=True))
    )
    if comment is None or not recipients:
        return False
    with override(settings.LANGUAGE_CODE):
        subject = _("A comment is waiting for moderation")
        message = _("%(name)s commented on “%(article)s”. Review it at %(path)s") % {
            "name": comment.name,
            "article": comment.article.headline,
            "path": reverse("admin:comments_comment_change", args=[comment.pk]),
        }
    return deliver(key=f"comment-waiting:{comment.pk}", subject=subject, body=message, to=recipients)


@task()
def writers_notify_approved(*, comment_ids: list[int]) -> int:
    """Tell each writer their comment is now shown, once per comment (approved again later, it is not sent again).
    One job for a moderator's whole selection; a retry sends only what was not sent. Returns how many were sent."""
    sent = 0
    approved = Comment.objects.select_related("article").filter(pk__in=comment_ids, status=Comment.Status.APPROVED)
    for comment in approved.exclude(email="").order_by("pk"):
        with override(settings.LANGUAGE_CODE):
            subject = _("Your comment is published")
            message = _("Your comment on “%(article)s” is now shown with the article.") % {
                "article": comment.article.headline
            }
        sent += deliver(key=f"comment-approved:{comment.pk}", subject=subject, body=message, to=[comment.email])
    return sent


@forget_when_done
@task()
def privacy_link_send(*, request_id: str, email: str, kind: str, site: str, language: str) -> bool:
    """Mail the signed link that confirms a commenter's request, if the address has comments. The page enqueues
    this job for every address, known or not, so it answers the same, in the same time, either way. The job's row
    holds the address: it is deleted as soon as the job succeeds (and by an erasure request)."""
    if not privacy.holds_personal_data(email):
        return False
    token = privacy.request_link_token(email=email, kind=kind)
    with override(language):
        link = site.rstrip("/") + reverse("comments:privacy_confirm", args=[token])
        subject = _("Confirm your request about your data")
        message = _("To confirm, open this link within two days: %(link)s") % {"link": link}
    return deliver(key=f"privacy-link:{request_id}", subject=subject, body=message, to=[email])
