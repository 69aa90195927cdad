"""The editors' arrangement of the home page and of the sections' pages, in the desk (registered by admin.py)."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from core.admin import ContentDirectionMixin

from .fronts import FEATURED_SLOTS
from .models import ArrangedSection, ArrangedStory, Arrangement, StoryPlace


class ArrangedStoryFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        featured = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("place") == StoryPlace.FEATURED
        ]
        if len(featured) > FEATURED_SLOTS:
            raise ValidationError(
                _("The page has %(slots)d featured slots: choose at most %(slots)d stories for them."),
                code="too_many_featured",
                params={"slots": FEATURED_SLOTS},
            )


class PlainChoicesMixin:
    """Choosing an article or a section here is all the form is for: no buttons beside the field to add, change,
    view or delete the thing chosen."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        for name in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
            if hasattr(getattr(field, "widget", None), name):
                setattr(field.widget, name, False)
        return field


class NamedCellsMixin:
    """A tabular inline's cells have a column heading but no label: each field says its name itself (aria-label),
    and static/js/admin-named-fields.js gives it to the autocomplete box drawn over an article's field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            widget = getattr(field.widget, "widget", field.widget)  # inside the related-field wrapper
            widget.attrs["aria-label"] = str(db_field.verbose_name)
        return field


class ArrangedStoryInline(NamedCellsMixin, PlainChoicesMixin, admin.TabularInline):
    model = ArrangedStory
    formset = ArrangedStoryFormSet
    fields = ["article", "place", "position"]
    autocomplete_fields = ["article"]
    extra = FEATURED_SLOTS
    verbose_name = _("story")
    verbose_name_plural = _("featured stories and the package")


class ArrangedSectionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        chosen = any(form.cleaned_data and not form.cleaned_data.get("DELETE") for form in self.forms)
        if chosen and self.instance.section_id is not None:
            raise ValidationError(
                _("Section blocks are on the home page only: leave the page empty, or remove the blocks."),
                code="blocks_off_home",
            )


class ArrangedSectionInline(NamedCellsMixin, PlainChoicesMixin, admin.TabularInline):
    model = ArrangedSection
    formset = ArrangedSectionFormSet
    fields = ["section", "position"]
    extra = 0
    verbose_name = _("section block")
    verbose_name_plural = _("order of the section blocks (home page only; the others follow in their usual order)")


class PageFilter(admin.SimpleListFilter):
    title = _("page")
    parameter_name = "page"

    def lookups(self, request, model_admin):
        from .models import Section

        return [("home", _("Home page")), *((str(section.pk), section.name) for section in Section.objects.all())]

    def queryset(self, request, queryset):
        if self.value() == "home":
            return queryset.for_page(None)
        if self.value() and re.fullmatch(r"[0-9]{1,9}", self.value()):
            return queryset.for_page(int(self.value()))
        return queryset  # anything else in the address: the whole list, not an error


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("in_force", _("In force now")), ("scheduled", _("Scheduled"))]

    def queryset(self, request, queryset):
        if self.value() == "in_force":
            return queryset.in_force()
        if self.value() == "scheduled":
            return queryset.scheduled()
        return queryset


@admin.register(Arrangement)
class ArrangementAdmin(PlainChoicesMixin, ContentDirectionMixin, TranslationAdmin):
    fieldsets = [
        (None, {"fields": ["section", "takes_effect_at", "note"]}),
        (_("Lead and live coverage"), {"fields": ["lead", "live_page"]}),
        (_("Package of related stories"), {"fields": ["package_title_ar", "package_title_en"]}),
    ]
    autocomplete_fields = ["lead", "live_page"]
    inlines = [ArrangedStoryInline, ArrangedSectionInline]
    list_display = ["page", "takes_effect_at", "state", "lead", "note", "updated_by"]
    list_display_links = ["page", "takes_effect_at"]
    list_filter = [PageFilter, StateFilter]
    list_select_related = ["section", "lead", "updated_by"]
    # «Save as new»: the current arrangement, changed and scheduled for later, without retyping it.
    save_as = True
    save_as_continue = True

    @admin.display(description=_("page"), ordering="section")
    def page(self, arrangement):
        return arrangement.section.name if arrangement.section_id else _("Home page")

    @admin.display(description=_("state"))
    def state(self, arrangement):
        return getattr(arrangement, "_state_label", "")

    def get_changelist_instance(self, request):
        """The list, each arrangement marked with its state (one query for which are in force)."""
        changelist = super().get_changelist_instance(request)
        in_force = set(Arrangement.objects.in_force().values_list("pk", flat=True))
        now = timezone.now()
        for arrangement in changelist.result_list:
            if arrangement.pk in in_force:
                label, css = _("In force now"), "in-force"
            elif arrangement.takes_effect_at > now:
                label, css = _("Scheduled"), "scheduled"
            else:
                label, css = pgettext_lazy("arrangement", "Replaced"), "replaced"
            arrangement._state_label = format_html('<span class="arrangement-state arrangement-state--{}">{}</span>',
                                                   css, label)  # fmt: skip
        return changelist

    @property
    def media(self):
        # After the scripts it builds on (Django merges the lists keeping this order).
        return super().media + forms.Media(
            js=["admin/js/vendor/jquery/jquery.min.js", "admin/js/jquery.init.js", "admin/js/autocomplete.js",
                "js/admin-named-fields.js"]
        )  # fmt: skip

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "takes_effect_at":
            # Its date and its time are two boxes under one label: each named.
            date, time = field.widget.widgets
            date.attrs["aria-label"] = str(_("Date"))
            time.attrs["aria-label"] = str(_("Time"))
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["empty_label"] = _("Home page")  # the page an empty choice arranges, named
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change or "_saveasnew" in request.POST:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        messages.info(request, takes_effect_words(obj))


def takes_effect_words(arrangement, now=None):
    """Whether and when the arrangement shows, in words for the desk."""
    now = now or timezone.now()
    if arrangement.takes_effect_at > now:
        when = formats.date_format(timezone.localtime(arrangement.takes_effect_at), "DATETIME_FORMAT")
        return _("It takes over its page at %(time)s.") % {"time": when}
    if arrangement.is_in_force(now):
        return _("It shows on its page now.")
    return _("A later arrangement is in force: this one does not show.")
