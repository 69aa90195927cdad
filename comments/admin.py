from django.contrib import admin, messages
from django.db.models import Case, When
from django.http import JsonResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin

from .models import BlockedWord, Comment, ModerationEvent, PrivacyRequest
from .services.commenters import commenter_erase, commenter_export
from .services.comments import comments_approve, comments_delete, comments_mark_spam, comments_reject


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderators' queue: pending comments first, each with its article and the comment it answers."""

    # Five columns, the comment widest and what it answers inside it, so that at 1280 px beside the menu and the
    # filters every column stays in view (tests/browser/test_desk_flows.py).
    list_display = ["commenter", "excerpt", "on_article", "status", "written"]
    list_filter = ["status", "created_at"]
    list_select_related = ["article", "parent"]
    search_fields = ["name", "email", "body"]
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["approve_selected", "reject_selected", "mark_selected_as_spam", "export_commenters", "erase_commenters"]
    readonly_fields = [
        "article", "parent", "name", "email", "body", "ip_address", "user_agent", "consent_at", "consent_version",
        "created_at", "status", "moderated_at", "moderated_by", "history",
    ]  # fmt: skip

    def get_queryset(self, request):
        # Pending comments first, then the newest.
        pending_first = Case(When(status=Comment.Status.PENDING, then=0), default=1)
        return super().get_queryset(request).order_by(pending_first, "-created_at")

    @admin.display(description=_("name"), ordering="name")
    def commenter(self, comment):
        return format_html("<bdi>{}</bdi>", comment.name)

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        text = format_html('<span dir="auto">{}</span>', Truncator(comment.body).chars(160))
        if comment.parent is None:
            return text
        answered = _("In reply to: «%(text)s»") % {"text": Truncator(comment.parent.body).chars(60)}
        return format_html('{}<span class="comment-reply-to" dir="auto">{}</span>', text, answered)

    @admin.display(description=_("article"), ordering="article__headline")
    def on_article(self, comment):
        return format_html('<span dir="auto">{}</span>', Truncator(comment.article.headline).chars(60))

    @admin.display(description=_("written"), ordering="created_at")
    def written(self, comment):
        moment = localtime(comment.created_at)
        return format_html(
            '<time datetime="{}">{}</time>', moment.isoformat(), date_format(moment, "SHORT_DATETIME_FORMAT")
        )

    @admin.display(description=_("moderation history"))
    def history(self, comment):
        """Every act on this comment, oldest first, from the moderation log (one query)."""
        events = ModerationEvent.objects.filter(comment_number=comment.pk).select_related("by").order_by("at", "id")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><bdi>{}</bdi></td></tr>",
            (
                (date_format(localtime(event.at), "DATETIME_FORMAT"), event.get_action_display(),
                 event.get_status_before_display(), event.by or "—")
                for event in events
            ),
        )  # fmt: skip
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("time"),
            _("action"),
            _("status before"),
            _("by"),
            rows,
        )

    def has_add_permission(self, request):
        return False  # comments come from readers

    def delete_model(self, request, obj):
        comments_delete(comments=Comment.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        comments_delete(comments=queryset, by=request.user)

    def _moderate(self, request, queryset, action):
        changed = action(comments=queryset, by=request.user)
        message = ngettext("%(count)s comment changed.", "%(count)s comments changed.", changed) % {"count": changed}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._moderate(request, queryset, comments_approve)

    @admin.action(description=_("Reject the selected comments"), permissions=["change"])
    def reject_selected(self, request, queryset):
        self._moderate(request, queryset, comments_reject)

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["change"])
    def mark_selected_as_spam(self, request, queryset):
        self._moderate(request, queryset, comments_mark_spam)

    @admin.action(description=_("Export the data of the selected comments' writers (JSON)"), permissions=["change"])
    def export_commenters(self, request, queryset):
        emails = sorted({email for email in queryset.values_list("email", flat=True) if email})
        data = [commenter_export(email=email, by=request.user) for email in emails]
        response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="commenters.json"'
        return response

    @admin.action(
        description=_("Erase the names and details of the selected comments' writers"), permissions=["change"]
    )
    def erase_commenters(self, request, queryset):
        emails = {email for email in queryset.values_list("email", flat=True) if email}
        erased = sum(commenter_erase(email=email, by=request.user) for email in emails)
        message = ngettext("%(count)s comment changed.", "%(count)s comments changed.", erased) % {"count": erased}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    """The log of commenters' data requests (read-only)."""

    list_display = ["kind", "requested_at", "completed_at", "comments_affected", "handled_by"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The moderation log, read-only: who approved, rejected, marked as spam or erased which comment, and when.
    Rows are written by the moderation services only, so the log can be trusted."""

    list_display = ["at", "action", "comment_link", "status_before", "by"]
    list_filter = ["action"]
    list_select_related = ["by"]
    search_fields = ["=comment_number"]

    @admin.display(description=_("comment"), ordering="comment_number")
    def comment_link(self, event):
        if event.comment_id is None:  # deleted since (by retention or a moderator)
            return f"#{event.comment_number}"
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:comments_comment_change", args=[event.comment_id]),
            event.comment_number,
        )


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    """Words moderators keep out of comments: to hold a comment for a look, or to refuse it."""

    list_display = ["word", "action"]
    list_filter = ["action"]
    search_fields = ["word", "normalized"]
