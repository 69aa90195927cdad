"""The live desk in the admin: urgent alerts (published, withdrawn, the past ones listed), live pages (coverage
started and ended), entries (reviewed, corrected, pinned, withdrawn), the desk's settings and its log; and the
form a reporter posts from on a phone (desk_post)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from articles.models import Image
from articles.services.images import image_store
from core.admin import ReadOnlyAdminMixin

from .forms import EntryCorrectionForm, EntryPostForm, LiveSettingsForm, UrgentAlertForm
from .models import LiveEntry, LiveEvent, LivePage, LiveSettings, UrgentAlert
from .services import alerts, coverage, entries


def _act(modeladmin, request, queryset, act, done):
    """Apply `act` to each selected row; a row the service refuses is reported, the others done."""
    count = 0
    for row in queryset:
        try:
            act(row)
            count += 1
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(
                request, f"{row}: {' '.join(getattr(error, 'messages', [str(error)]))}", messages.ERROR
            )
    if count:
        modeladmin.message_user(request, done(count) % {"count": count}, messages.SUCCESS)


@admin.register(UrgentAlert)
class UrgentAlertAdmin(admin.ModelAdmin):
    """Alerts are published from a form of their own and never edited: a wrong alert is withdrawn and a new one
    published, so the log shows what readers saw."""

    list_display = ["text_ar", "text_en", "state", "created_at", "expires_at", "created_by", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"
    actions = ["withdraw_selected"]
    fields = ["text_ar", "text_en", "article", "created_at", "expires_at", "created_by", "withdrawn_at", "withdrawn_by"]
    readonly_fields = fields

    @admin.display(description=_("state"))
    def state(self, alert):
        now = timezone.now()
        if alert.withdrawn_at:
            return pgettext_lazy("alert", "Withdrawn")
        return pgettext_lazy("alert", "Showing") if alert.is_showing(now) else pgettext_lazy("alert", "Expired")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_withdraw_permission(self, request):
        return request.user.has_perm("live.change_urgentalert")

    @admin.action(description=_("Withdraw the selected alerts now"), permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        _act(
            self, request, queryset.filter(withdrawn_at__isnull=True),
            lambda alert: alerts.alert_withdraw(alert=alert, by=request.user),
            lambda n: ngettext("%(count)s alert withdrawn.", "%(count)s alerts withdrawn.", n),
        )  # fmt: skip

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UrgentAlertForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                alerts.alert_publish(
                    text_ar=data["text_ar"], text_en=data["text_en"], article=data["article"],
                    expires_at=form.expires_at(), by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("The alert is on every page now."), messages.SUCCESS)
                return redirect("admin:live_urgentalert_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts,
                   "title": _("Publish an urgent alert")}  # fmt: skip
        return TemplateResponse(request, "admin/live/urgentalert/publish.html", context)


@admin.register(LivePage)
class LivePageAdmin(admin.ModelAdmin):
    """Published articles, to make live or to end; and, for the desk, each live page's posting form."""

    list_display = ["headline", "coverage", "live_started_at", "live_ended_at", "entry_count", "post_link"]
    list_filter = [("live_started_at", admin.EmptyFieldListFilter)]
    search_fields = ["search_text"]
    actions = ["start_selected", "end_selected"]
    fields = ["headline", "live_started_at", "live_ended_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            LivePage.objects.published()
            .defer("body", "body_ar", "body_en", "search_text", "search_index")
            .annotate(
                entry_count=Count("entries", filter=Q(entries__status="published")),
                # Live now first, then ended coverage, then the rest, each newest first (NULLs sort alike everywhere).
                coverage_order=Case(
                    When(live_started_at__isnull=False, live_ended_at__isnull=True, then=Value(0)),
                    When(live_started_at__isnull=False, then=Value(1)),
                    default=Value(2),
                ),
            )
            .order_by("coverage_order", "-published_at")
        )

    @admin.display(description=_("coverage"))
    def coverage(self, page):
        if page.is_live:
            return pgettext_lazy("coverage", "Live")
        return _("Ended") if page.live_ended_at else "—"

    @admin.display(description=_("entries"), ordering="entry_count")
    def entry_count(self, page):
        return page.entry_count

    @admin.display(description=_("post"))
    def post_link(self, page):
        if not page.is_live:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:live_post_entry", args=[page.pk]), _("Post an entry"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("live.add_liveentry")

    def has_cover_permission(self, request):
        return request.user.has_perm("live.publish_liveentry")

    @admin.action(description=_("Start live coverage of the selected articles"), permissions=["cover"])
    def start_selected(self, request, queryset):
        _act(
            self, request, queryset, lambda page: coverage.coverage_start(article=page, by=request.user),
            lambda n: ngettext(
                "Live coverage started on %(count)s page.", "Live coverage started on %(count)s pages.", n
            ),
        )  # fmt: skip

    @admin.action(description=_("End live coverage of the selected pages"), permissions=["cover"])
    def end_selected(self, request, queryset):
        _act(
            self, request, queryset.filter(live_started_at__isnull=False, live_ended_at__isnull=True),
            lambda page: coverage.coverage_end(article=page, by=request.user),
            lambda n: ngettext("Live coverage ended on %(count)s page.", "Live coverage ended on %(count)s pages.", n),
        )  # fmt: skip

    def get_urls(self):
        post = path("<int:pk>/post/", self.admin_site.admin_view(self.desk_post), name="live_post_entry")
        return [post, *super().get_urls()]

    def desk_post(self, request, pk):
        """The phone form: text and an optional photo, posted in one tap; back to the same form, to post again."""
        if not request.user.has_perm("live.add_liveentry"):
            raise PermissionDenied
        page = get_object_or_404(LivePage.objects.published(), pk=pk)
        may_publish = request.user.has_perm(entries.PUBLISH_PERMISSION)
        form = EntryPostForm(request.POST or None, request.FILES or None, may_publish=may_publish)
        if request.method == "POST" and not page.is_live:
            # Said before a photo is stored for an entry that cannot be posted.
            form.is_valid()
            form.add_error(None, _("This page is not being covered live: entries can no longer be posted."))
        elif request.method == "POST" and form.is_valid():
            entry = self._post(request, page, form)
            if entry is not None:
                message = _("Posted: readers see it now.") if entry.is_published() else _("Sent to the editors.")
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:live_post_entry", page.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Post to the live page"),
            "page": page,
            "form": form,
            "recent": LiveEntry.objects.filter(article=page).exclude(status="withdrawn").order_by("-created_at")[:5],
        }
        return TemplateResponse(request, "admin/live/post.html", context)

    @staticmethod
    def _post(request, page, form):
        data = form.cleaned_data
        try:
            photo = None
            if data["photo"] is not None:
                photo = image_store(image=Image(alt_ar=data["photo_alt"].strip(), alt=data["photo_alt"].strip()),
                                    prepared=data["photo"], by=request.user)  # fmt: skip
            return entries.entry_post(
                article=page, by=request.user, text=data["text"], title=data["title"], quote=data["quote"],
                quote_by=data["quote_by"], photo=photo, language=data["language"],
                key_point=data.get("key_point", False),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
            return None


@admin.register(LiveEntry)
class LiveEntryAdmin(admin.ModelAdmin):
    form = EntryCorrectionForm
    list_display = ["summary", "article", "status", "sequence", "published_at", "key_point", "pinned", "created_by"]
    list_filter = ["status", "key_point", "pinned", ("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "created_by"]
    actions = ["publish_selected", "withdraw_selected", "pin_selected", "unpin_selected", "key_point_selected"]
    readonly_fields = ["article", "status", "sequence", "published_at", "corrected_at", "correction", "created_by"]

    @admin.display(description=_("entry"))
    def summary(self, entry):
        return Truncator(str(entry)).chars(80)

    def has_add_permission(self, request):
        return False  # entries are posted from a live page's form (LivePageAdmin.desk_post)

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn, never deleted: the permalink says so

    def has_change_permission(self, request, obj=None):
        withdrawn = obj is not None and obj.status == LiveEntry.Status.WITHDRAWN  # shown as it was, never changed
        return request.user.has_perm(entries.PUBLISH_PERMISSION) and not withdrawn

    def has_publish_permission(self, request):
        return request.user.has_perm(entries.PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        entries.entry_correct(
            entry=obj, by=request.user, note=form.cleaned_data["correction_note"], body_html=obj.body,
            title=obj.title, quote=obj.quote, quote_by=obj.quote_by,
        )  # fmt: skip

    def _run(self, request, queryset, act, done):
        _act(self, request, queryset, lambda entry: act(entry=entry, by=request.user), done)

    @admin.action(description=_("Publish the selected entries"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._run(request, queryset.filter(status="pending"), entries.entry_publish,
                  lambda n: ngettext("%(count)s entry published.", "%(count)s entries published.", n))  # fmt: skip

    @admin.action(description=_("Withdraw the selected entries"), permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        self._run(request, queryset, entries.entry_withdraw,
                  lambda n: ngettext("%(count)s entry withdrawn.", "%(count)s entries withdrawn.", n))  # fmt: skip

    @admin.action(description=_("Pin the selected entry at the top of its page"), permissions=["publish"])
    def pin_selected(self, request, queryset):
        self._run(request, queryset[:1], entries.entry_pin,
                  lambda n: ngettext("%(count)s entry pinned.", "%(count)s entries pinned.", n))  # fmt: skip

    @admin.action(description=_("Unpin the selected entries"), permissions=["publish"])
    def unpin_selected(self, request, queryset):
        self._run(request, queryset, lambda **kwargs: entries.entry_pin(pinned=False, **kwargs),
                  lambda n: ngettext("%(count)s entry unpinned.", "%(count)s entries unpinned.", n))  # fmt: skip

    @admin.action(description=_("Mark the selected entries as key points"), permissions=["publish"])
    def key_point_selected(self, request, queryset):
        self._run(request, queryset, entries.entry_mark_key_point,
                  lambda n: ngettext("%(count)s key point marked.", "%(count)s key points marked.", n))  # fmt: skip


@admin.register(LiveSettings)
class LiveSettingsAdmin(admin.ModelAdmin):
    form = LiveSettingsForm

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        LiveSettings.current()
        return redirect("admin:live_livesettings_change", 1)

    def save_model(self, request, obj, form, change):
        coverage.live_settings_change(poll_seconds=obj.poll_seconds, review_entries=obj.review_entries, by=request.user)


@admin.register(LiveEvent)
class LiveEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action", "by", "article", "entry", "alert", "note"]
    list_filter = ["action"]
    list_select_related = ["by", "article", "entry", "alert"]
    date_hierarchy = "at"
