import csv
from datetime import UTC

from django.contrib import admin
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from core.admin import ContentDirectionMixin, ReadOnlyAdminMixin, RichTextEditorAdminMixin

from .models import ConsentRecord, PolicyVersion
from .services.policy_versions import policy_version_publish, policy_version_revise, policy_version_withdraw

TEXT_FIELDS = [f"{name}_{language}" for name in ("title", "body", "changes") for language in ("ar", "en")]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(RichTextEditorAdminMixin, ContentDirectionMixin, TabbedTranslationAdmin):
    """
    The privacy & cookies policy, one row per version. A new version starts from the text in force; once a version
    is in effect it is read-only (readers' consent records point at it), so a change is always a new version, and
    every reader is asked for their cookie choices again from its start time.
    """

    fields = [*TEXT_FIELDS, "effective_at"]
    list_display = ["number", "title", "effective_at", "in_effect", "consent_count"]
    ordering = ["-number"]

    @admin.display(description=_("in effect"), boolean=True)
    def in_effect(self, policy):
        return policy.is_in_effect()

    @admin.display(description=_("consent records"))
    def consent_count(self, policy):
        return policy.consent_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(consent_count=Count("consents"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_in_effect():
            return [*TEXT_FIELDS, "effective_at"]
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_in_effect())

    def get_changeform_initial_data(self, request):
        """A new version starts as a copy of the newest one, to be edited."""
        initial = super().get_changeform_initial_data(request)
        latest = PolicyVersion.objects.first()
        if latest is not None:
            initial.update({name: getattr(latest, name) for name in TEXT_FIELDS if name.startswith(("title", "body"))})
        initial.setdefault("effective_at", timezone.now())
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            policy_version_revise(version=obj)
        else:
            policy_version_publish(version=obj, by=request.user)

    def delete_model(self, request, obj):
        policy_version_withdraw(version=obj)

    def delete_queryset(self, request, queryset):
        # One by one, through the service, so each deletion sends its signal (the cached policy number).
        for version in queryset:
            policy_version_withdraw(version=version)


class EchoBuffer:
    def write(self, value):
        return value


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The consent log, read-only: look a reader's consent id up (they find it on the cookie settings page) and
    export rows as proof of what was chosen, when, under which policy version."""

    list_display = ["consent_id", "created_at", "method", "analytics", "embeds", "policy_version", "language", "gpc"]
    list_filter = ["method", "analytics", "embeds", "gpc", "policy_version", "language"]
    search_fields = ["=consent_id"]
    date_hierarchy = "created_at"
    list_select_related = ["policy_version"]
    actions = ["export_csv"]
    show_full_result_count = False

    @admin.action(description=_("Export the selected consent records (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        writer = csv.writer(EchoBuffer())
        header = ["consent_id", "time_utc", "method", "analytics", "embeds", "policy_version", "language", "gpc"]
        rows = queryset.order_by("created_at", "id").values_list(
            "consent_id", "created_at", "method", "analytics", "embeds", "policy_version__number", "language", "gpc"
        )

        def lines():
            yield writer.writerow(header)
            for consent_id, created_at, *rest in rows.iterator(chunk_size=2000):
                yield writer.writerow([consent_id, created_at.astimezone(UTC).isoformat(), *rest])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="consent-log.csv"'
        return response
