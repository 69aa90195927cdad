"""What the apps' admins share: fields that take their content's direction, forms with the rich-text editor under
the CSP, and read-only logs; and the job queue's page."""

from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult, get_date_max
from js_asset import Media as JsMedia

from .jobs import jobs_retry

# The rich-text editor (Tiptap) injects one fixed <style> element; each form's CSP that shows it admits exactly that
# element by its hash, and nothing else inline. A new editor version with other CSS fails the browser test.
TIPTAP_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


class ContentDirectionMixin:
    """A field's text direction follows the language of its content, not the admin's: Arabic columns are right to
    left and English ones left to right, whatever language the interface is in (static/css/admin.css does the
    same for the rich-text editor, whose attributes stay on a hidden textarea)."""

    directions = {"ar": "rtl", "en": "ltr"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = db_field.name.rpartition("_")[2]
        if field is not None and language in self.directions:
            field.widget.attrs.update({"dir": self.directions[language], "lang": language})
        return field


class RichTextEditorAdminMixin:
    """A change form with the rich-text editor (django-prose-editor) under the site's CSP: the editor's one
    <style> element admitted by its hash, and its inline import map by this request's nonce. The editor speaks the
    desk's language (static/js/rich-text-editor.js: its toolbar, which the library writes in English; its dialogs
    come from the JavaScript catalog the admin's form loads) and asks what each photo shows."""

    @property
    def media(self):
        # A plain script, so it runs before the editor's modules and sees the editor build its toolbar.
        return super().media + forms.Media(js=["js/rich-text-editor.js"])

    @csp_update({"style-src": [TIPTAP_STYLE_HASH]})
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        context["media"] = JsMedia.from_media(context["media"]).with_nonce(request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)


class ReadOnlyAdminMixin:
    """A log shown in the admin and never written there: no adding, changing or deleting, for anyone. Its rows are
    written by the services that act and leave only through a retention command, so it can be trusted as a
    record."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The job queue for administrators, in Arabic: what waits, runs, failed and why; failed jobs can be put back
    in the queue. Replaces django-tasks-db's own page (English only, and without a retry)."""

    list_display = ["job", "status", "attempts", "enqueued_at", "retry_at", "finished_at", "error"]
    list_filter = ["status", "queue_name"]
    ordering = ["-enqueued_at"]
    actions = ["retry_selected"]
    fields = ["job", "status", "attempts", "enqueued_at", "started_at", "retry_at", "finished_at", "error_detail"]
    readonly_fields = fields

    @admin.display(description=_("job"), ordering="task_path")
    def job(self, row):
        return row.task_path.rpartition(".")[2]

    @admin.display(description=_("attempts"))
    def attempts(self, row):
        return len(row.worker_ids)

    @admin.display(description=_("next try"), ordering="run_after")
    def retry_at(self, row):
        return None if row.run_after == get_date_max() else row.run_after

    @admin.display(description=_("last error"))
    def error(self, row):
        return row.exception_class_path.rpartition(".")[2] or "—"

    @admin.display(description=_("last error"))
    def error_detail(self, row):
        return format_html('<pre dir="ltr">{}</pre>', row.traceback) if row.traceback else "—"

    @admin.action(description=_("Retry the selected failed jobs now"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        retried = jobs_retry(jobs=queryset)
        message = ngettext("%(count)s job is back in the queue.", "%(count)s jobs are back in the queue.", retried)
        self.message_user(request, message % {"count": retried}, messages.SUCCESS)

    def has_retry_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, JobAdmin)
