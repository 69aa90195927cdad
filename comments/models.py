from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.arabic import normalize_arabic
from core.fields import user_reference


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """What readers see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")


class Comment(models.Model):
    """A reader's comment on an article: stored only with the commenter's consent, shown only once approved."""

    Status = CommentStatus

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("in reply to"), on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True, help_text=_("Never shown to readers."))
    body = models.TextField(_("comment"), max_length=3000)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    consent_at = models.DateTimeField(_("consent given"))
    consent_version = models.CharField(_("consent text version"), max_length=32)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = user_reference(_("moderated by"))

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values),
                name="comment_status_valid",
                violation_error_message=_("Unknown comment status."),
            ),
            models.CheckConstraint(
                condition=~Q(consent_version=""),
                name="comment_has_consent",
                violation_error_message=_("A comment is stored only with its writer's consent."),
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="comment_not_its_own_reply"),
        ]
        indexes = [models.Index(fields=["article", "status", "created_at"], name="comment_article_status_idx")]

    def __str__(self):
        return f"{self.name}: {self.body[:60]}"


class ModerationAction(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Marked as spam")
    ERASED = "erased", _("Writer's details erased")
    DELETED = "deleted", _("Deleted")


class ModerationEvent(models.Model):
    """One moderation act on one comment: what was done, from which status, by whom and when. The log outlives
    the comment (a moderator may delete it, retention deletes old spam and rejected comments, each logged as
    "deleted"): the link goes, the comment's number stays."""

    Action = ModerationAction

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
    )
    comment_number = models.PositiveBigIntegerField(_("comment number"))
    action = models.CharField(_("action"), max_length=16, choices=Action)
    status_before = models.CharField(_("status before"), max_length=16, choices=Comment.Status)
    by = user_reference(_("by"), help_text=_("Empty when the commenter asked by e-mail."))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation log")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ModerationAction.values),
                name="moderation_event_action_valid",
                violation_error_message=_("Unknown moderation action."),
            ),
            models.CheckConstraint(
                condition=Q(status_before__in=CommentStatus.values),
                name="moderation_event_status_before_valid",
            ),
        ]
        # A comment's history, oldest first, found by its number so it is found after the comment is gone too.
        indexes = [models.Index(fields=["comment_number", "at"], name="moderation_event_comment_idx")]

    def __str__(self):
        return f"{self.get_action_display()} #{self.comment_number}"


class BlockedWordAction(models.TextChoices):
    HOLD = "hold", _("Hold for moderation")
    REJECT = "reject", _("Reject")


class BlockedWord(models.Model):
    """A word moderators do not want in comments, matched whatever its spelling («كـلمة», «كَلِمَة», «ﻛﻠﻤﺔ»)."""

    Action = BlockedWordAction

    word = models.CharField(_("word"), max_length=100)
    normalized = models.CharField(_("matching form"), max_length=100, unique=True, editable=False)
    action = models.CharField(_("action"), max_length=8, choices=Action, default=Action.HOLD)

    class Meta:
        ordering = ["normalized"]
        verbose_name = _("blocked word")
        verbose_name_plural = _("blocked words")
        constraints = [
            models.CheckConstraint(condition=Q(action__in=BlockedWordAction.values), name="blocked_word_action_valid"),
            models.CheckConstraint(condition=~Q(normalized=""), name="blocked_word_not_empty"),
        ]

    def __str__(self):
        return self.word

    def save(self, *args, **kwargs):
        self.normalized = normalize_arabic(self.word)
        super().save(*args, **kwargs)


class PrivacyRequestKind(models.TextChoices):
    EXPORT = "export", _("Export")
    ERASE = "erase", _("Erasure")


class PrivacyRequest(models.Model):
    """The log of commenters' requests to see or erase their data: what was asked, when, done by whom. The
    address itself is not kept, only a keyed hash of it, so the log does not undo an erasure."""

    Kind = PrivacyRequestKind

    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    email_digest = models.CharField(_("e-mail (keyed hash)"), max_length=64, db_index=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    comments_affected = models.PositiveIntegerField(_("comments"), default=0)
    handled_by = user_reference(
        _("handled by"), help_text=_("Empty when the commenter confirmed the request by e-mail.")
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PrivacyRequestKind.values), name="privacy_request_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.requested_at:%Y-%m-%d}"
