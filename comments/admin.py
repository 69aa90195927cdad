from django.contrib import admin, messages
from django.db.models import Case, When
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import BlockedWord, Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderators' queue: pending comments first, each with its article and the comment it answers."""

    list_display = ["commenter", "excerpt", "article", "status", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["article", "parent"]
    search_fields = ["name", "email", "body"]
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["approve_selected", "reject_selected", "mark_selected_as_spam"]
    readonly_fields = [
        "article", "parent", "name", "email", "body", "ip_address", "user_agent", "consent_at", "consent_version",
        "created_at", "status", "moderated_at", "moderated_by",
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
        return format_html('<span dir="auto">{}</span>', comment.body[:120])

    def has_add_permission(self, request):
        return False  # comments come from readers

    def _moderate(self, request, queryset, action):
        changed = action(comments=queryset, by=request.user)
        message = ngettext("%(count)s comment changed.", "%(count)s comments changed.", changed) % {"count": changed}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._moderate(request, queryset, services.comments_approve)

    @admin.action(description=_("Reject the selected comments"), permissions=["change"])
    def reject_selected(self, request, queryset):
        self._moderate(request, queryset, services.comments_reject)

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["change"])
    def mark_selected_as_spam(self, request, queryset):
        self._moderate(request, queryset, services.comments_mark_spam)


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    """Words moderators keep out of comments: to hold a comment for a look, or to refuse it."""

    list_display = ["word", "action"]
    list_filter = ["action"]
    search_fields = ["word", "normalized"]
