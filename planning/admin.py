"""Story planning in the admin: editors plan and assign stories, drop them and put them back, and read the plan of a
day or a week (calendar_view); a story's writer starts its draft from the list, the story's page or the desk's home
(start_draft_view, a POST), and lands on the article form."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override, pgettext_lazy

from .models import PlannedStory, StoryStatus
from .periods import Period, PeriodError, period_from
from .services import stories

# The backend that holds the groups' permissions (django-axes' comes first and holds none).
PERMISSIONS_BACKEND = "django.contrib.auth.backends.ModelBackend"
OVERDUE = pgettext_lazy("story", "Overdue")


def writers(*, also=None):
    """Staff who may write articles, whom a story can be assigned to (and `also`, a story's writer who has since
    lost that right, so that its plan can still be saved)."""
    users = get_user_model().objects
    may_write = users.with_perm("articles.add_article", backend=PERMISSIONS_BACKEND).filter(is_staff=True)
    return users.filter(Q(pk__in=may_write.values("pk")) | Q(pk=also)).order_by("username")


def person(user):
    return (user.get_full_name() or user.get_username()) if user else _("Unassigned")


class PlannedStoryForm(forms.ModelForm):
    class Meta:
        model = PlannedStory
        fields = ["headline", "section", "assignee", "deadline", "notes"]
        widgets = {
            # A working headline is Arabic, whatever language the desk is in.
            "headline": forms.TextInput(attrs={"dir": "rtl", "lang": "ar", "class": "vTextField"}),
            "notes": forms.Textarea(attrs={"dir": "auto", "rows": 5, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assignee = self.fields.get("assignee")
        if assignee is None:
            return  # read only, for whoever may only view the plan
        assignee.queryset = writers(also=self.instance.assignee_id)
        assignee.label_from_instance = person
        assignee.empty_label = _("Nobody yet")


class CurrentStatusFilter(admin.SimpleListFilter):
    """Where stories stand (planning.models.STATUS_RULES), and those overdue."""

    title = _("status")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [*StoryStatus.choices, ("overdue", OVERDUE)]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() in StoryStatus.values:
            return queryset.in_status(self.value())
        return queryset


def start_button(story):
    """The «start the draft» button of a row of the change list: it sends the list's own form (which holds the
    CSRF token) to the story's start view, as a form inside that form could not."""
    return format_html(
        '<button type="submit" class="button planning-start" formaction="{}" formmethod="post">{}</button>',
        reverse("admin:planning_plannedstory_start", args=[story.pk]),
        _("Start the draft"),
    )


def draft_link(story):
    """A link to the story's article: its draft while it is written, the article once filed."""
    text = _("Open the draft") if story.get_current_status() == StoryStatus.IN_PROGRESS else _("Open the article")
    return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[story.article_id]), text)


@admin.register(PlannedStory)
class PlannedStoryAdmin(admin.ModelAdmin):
    form = PlannedStoryForm
    list_filter = [CurrentStatusFilter, "section", ("assignee", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["section", "assignee"]
    search_fields = ["headline", "notes"]
    fields = ["headline", "section", "assignee", "deadline", "notes", "current_status", "draft", "created_by"]
    readonly_fields = ["current_status", "draft", "created_by"]
    actions = ["drop_selected", "restore_selected"]
    change_form_template = "admin/planning/plannedstory/change_form.html"
    change_list_template = "admin/planning/plannedstory/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).for_desk()

    def get_list_display(self, request):
        # The draft column depends on who is looking (may they start this story's draft?): a function made for
        # this request, since the admin is shared by every request.
        @admin.display(description=_("draft"))
        def draft_or_start(story):
            if story.article_id is not None:
                return draft_link(story)
            if story.is_open() and story.may_be_started_by(request.user):
                return start_button(story)
            return "—"

        return ["headline", "section", "assignee", "deadline", "current_status", draft_or_start]

    @admin.display(description=_("status"), ordering="current_status")
    def current_status(self, story):
        label = story.get_current_status_display()
        if story.pk and story.is_overdue():
            return format_html('{} <strong class="planning-overdue">{}</strong>', label, OVERDUE)
        return label

    @admin.display(description=_("article"))
    def draft(self, story):
        return draft_link(story) if story.article_id else "—"

    def save_model(self, request, obj, form, change):
        stories.story_plan(story=obj, by=request.user)

    def has_drop_permission(self, request):
        return self.has_change_permission(request)

    def _decide(self, request, queryset, act, done):
        count = 0
        for story in queryset:
            act(story=story, by=request.user)
            self.log_change(request, story, [{"changed": {"fields": [self._label("status")]}}])
            count += 1
        if count:
            self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @staticmethod
    def _label(field):
        # The admin's history stores field names in the site's language and translates them when shown.
        with override(settings.LANGUAGE_CODE):
            return str(PlannedStory._meta.get_field(field).verbose_name)

    @admin.action(description=_("Drop the selected stories from the plan"), permissions=["drop"])
    def drop_selected(self, request, queryset):
        self._decide(
            request, queryset.exclude(status=StoryStatus.DROPPED), stories.story_drop,
            lambda n: ngettext("%(count)s story dropped.", "%(count)s stories dropped.", n),
        )  # fmt: skip

    @admin.action(description=_("Put the selected stories back on the plan"), permissions=["drop"])
    def restore_selected(self, request, queryset):
        self._decide(
            request, queryset.filter(status=StoryStatus.DROPPED), stories.story_restore,
            lambda n: ngettext("%(count)s story back on the plan.", "%(count)s stories back on the plan.", n),
        )  # fmt: skip

    def get_urls(self):
        own = [
            path("calendar/", self.admin_site.admin_view(self.calendar_view), name="planning_plannedstory_calendar"),
            path(
                "<int:pk>/start/",
                self.admin_site.admin_view(self.start_draft_view),
                name="planning_plannedstory_start",
            ),
        ]
        return own + super().get_urls()

    def get_fields(self, request, obj=None):
        # A new plan has no status, draft or planner to show yet.
        return self.fields if obj is not None else [name for name in self.fields if name not in self.readonly_fields]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The story's form, with its «start the draft» button for whoever may press it and a link to the plan of its
        deadline's week."""
        context["may_start"] = (
            obj is not None and obj.article_id is None and obj.is_open() and obj.may_be_started_by(request.user)
        )
        if obj is not None:
            context["plan_week"] = Period.week(timezone.localdate(obj.deadline)).query()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def start_draft_view(self, request, pk):
        """Start the story's draft (or find the one already started) and open it in the article form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        story = get_object_or_404(self.get_queryset(request), pk=pk)
        started_before = story.article_id is not None
        try:
            article = stories.story_draft_start(story=story, by=request.user)
        except ValidationError as refusal:
            self.message_user(request, refusal.messages[0], messages.ERROR)
            return redirect("admin:planning_plannedstory_change", story.pk)
        if not started_before:
            self.log_change(request, story, [{"changed": {"fields": [self._label("article")]}}])
        message = (
            _("This story's draft was started already: here it is.")
            if started_before
            else _("The draft is ready, with the working headline: write the story here.")
        )
        self.message_user(request, message, messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

    def calendar_view(self, request):
        """The plan of a week (by default this one) or of a day: each day's stories by deadline, with their writer
        and status, those overdue marked. An address that names no day or week is a page that says so (400)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        error, status = None, 200
        try:
            period = period_from(request.GET, today=today)
        except PeriodError as refusal:
            error, status, period = str(refusal), 400, Period.week(today)
        start, end = period.bounds()
        found = list(self.get_queryset(request).between(start, end).order_by("deadline", "id"))
        first, last = (formats.date_format(day, "DATE_FORMAT") for day in (period.first, period.last))
        if period.is_week:
            title = _("Plan of the week from %(first)s to %(last)s") % {"first": first, "last": last}
        else:
            title = _("Plan of %(day)s") % {"day": formats.date_format(period.first, "l j F Y")}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "error": error,
            "period": period,
            "days": period.group(found),
            "today": today,
            "now": timezone.now(),
            "previous": period.shifted(-1).query(),
            "following": period.shifted(1).query(),
            "this_week": Period.week(today).query(),
            "whole_week": Period.week(period.first).query(),
            "may_plan": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/planning/plannedstory/calendar.html", context, status=status)
