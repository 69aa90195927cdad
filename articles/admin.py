import re
import secrets
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationAdmin, TranslationStackedInline
from taggit.models import Tag as TaggitTag

from core.admin import ContentDirectionMixin, ReadOnlyAdminMixin, RichTextEditorAdminMixin
from core.arabic import normalize_arabic

from . import conflicts, images, inline_photos, presence
from .models import Article, ArticleAuthor, ArticleTransition, Author, AuthorLink, Correction, Image, Section, Tag
from .reads import reads_per_day
from .services import arrangements as arranging
from .services import articles, bylines, corrections, revisions
from .services import images as photos


@admin.register(Section)
class SectionAdmin(ContentDirectionMixin, TranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_ar"]}


class AuthorLinkInline(admin.TabularInline):
    model = AuthorLink
    extra = 1


@admin.register(Author)
class AuthorAdmin(ContentDirectionMixin, TranslationAdmin):
    list_display = ["name", "role", "user"]
    # A nullable one-to-one: the change list's own select_related() does not follow it (one query per row).
    list_select_related = ["user"]
    search_fields = ["name_ar", "name_en"]
    prepopulated_fields = {"slug": ["name_ar"]}
    raw_id_fields = ["user", "photo"]
    inlines = [AuthorLinkInline]


def _shown_on_site(image):
    """Whether an article readers can see shows `image` (asked once per photo and request)."""
    if not hasattr(image, "_shown_on_site"):
        image._shown_on_site = Article.objects.published().showing_photo(image).exists()
    return image._shown_on_site


ALT_REQUIRED = _("Write what the photo shows, in Arabic: readers who cannot see it get this text instead.")
# The photo library of the rich-text editor's photo dialog: photos a page, and the width of the rendition it puts
# in the text (the article column's, articles/inline_photos.py keeps the reference).
PICKER_PAGE_SIZE = 24
PICKER_WIDTH = 960
# The number the editor's dialog gives its library window to answer with (CKEditor's file-browser protocol).
_CALLBACK = re.compile(r"-?[0-9]{1,9}", re.ASCII)


class ImageForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Photo file"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Location and camera details are removed from every stored copy."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Image
        fields = ["alt_ar", "alt_en", "caption_ar", "caption_en", "credit_ar", "credit_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "alt_ar" in self.fields:
            # The database refuses a photo without it (image_alt_ar_not_empty); the form says why it is needed.
            self.fields["alt_ar"].required = True
            self.fields["alt_ar"].error_messages["required"] = ALT_REQUIRED

    def clean_upload(self):
        """The photo decoded and every file made (images.PreparedPhoto), or None to keep the stored one: a file
        Pillow cannot fully decode or encode is an error on this field, and save_model() only writes."""
        upload = self.cleaned_data["upload"]
        if upload is None and self.instance.pk is None:
            raise forms.ValidationError(_("Choose a photo to upload."), code="required")
        return None if upload is None else images.prepare(upload)


@admin.register(Image)
class ImageAdmin(ContentDirectionMixin, TranslationAdmin):
    form = ImageForm
    fields = ["upload", "preview", "in_articles", "alt", "caption", "credit", "width", "height", "uploaded_by"]
    list_display = ["preview", "alt", "credit", "width", "height", "created_at"]
    # Alternative text, caption and credit in both languages, normalised (Image.save()).
    search_fields = ["search_text"]
    readonly_fields = ["preview", "in_articles", "width", "height", "uploaded_by"]

    @admin.display(description=_("preview"))
    def preview(self, image):
        rendition = image.rendition(480) if image.pk else None
        if rendition is None:
            return "—"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" class="photo-preview">',
            rendition.file.url,
            160,
            round(160 * rendition.height / rendition.width),
        )

    @admin.display(description=_("in articles"))
    def in_articles(self, image):
        return _(
            "To place a photo inside an article's text, press the photo button of the text's toolbar and choose it "
            "from the photo library."
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_search_results(self, request, queryset, search_term):
        """Search the normalised text: «احمد» finds «أحمد», «مدينه» finds «مدينة»."""
        return super().get_search_results(request, queryset, normalize_arabic(search_term))

    def get_urls(self):
        own = [path("picker/", self.admin_site.admin_view(self.picker_view), name="articles_image_picker")]
        return own + super().get_urls()

    def picker_view(self, request):
        """The photo library as the rich-text editor's photo dialog opens it, in a window of its own: the photos as
        thumbnails, newest first, searched by their descriptions, and a form to upload one (stored as the photo's own
        form stores it). Choosing one hands the dialog the address of its rendition for the article column and its
        alternative text and caption in the language of the text being written (`lang`); the text stores it by
        reference (articles/inline_photos.py)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        codes = [code for code, _name in settings.LANGUAGES]
        language = request.GET.get("lang") if request.GET.get("lang") in codes else codes[0]
        callback = request.GET.get("CKEditorFuncNum", "")
        callback = callback if _CALLBACK.fullmatch(callback) else ""
        here = {"lang": language, **({"CKEditorFuncNum": callback} if callback else {})}
        address = f"{reverse('admin:articles_image_picker')}?{urlencode(here)}"
        # The photo's own add form, as ImageAdmin builds it (alternative text required, direction by language).
        upload_form = self.get_form(request, None, change=False) if self.has_add_permission(request) else None
        form = upload_form() if upload_form else None
        if request.method == "POST":
            if upload_form is None:
                raise PermissionDenied
            form = upload_form(request.POST, request.FILES)
            if form.is_valid():
                photo = form.save(commit=False)
                self.save_model(request, photo, form, change=False)
                self.log_addition(request, photo, self.construct_change_message(request, form, None, add=True))
                self.message_user(request, _("Photo uploaded: it is the first one below."), messages.SUCCESS)
                return redirect(address)
        query = request.GET.get("q", "").strip()
        shown, _duplicates = self.get_search_results(request, self.get_queryset(request), query)
        page = Paginator(shown, PICKER_PAGE_SIZE).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Choose a photo"),
            "is_popup": True,
            "query": query,
            "language": language,
            "callback": callback,
            "address": address,
            "hidden": here,
            "page_query": urlencode({**here, **({"q": query} if query else {})}),
            "page": page,
            "photos": [self._picked(photo, language) for photo in page],
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/image/picker.html", context)

    @staticmethod
    def _picked(photo, language):
        """What the library shows of `photo`, and what choosing it puts in the editor's dialog."""
        return {
            "photo": photo,
            "thumbnail": photo.rendition(480),
            "chosen": photo.rendition(PICKER_WIDTH),
            "alt": getattr(photo, f"alt_{language}") or "",
            "caption": getattr(photo, f"caption_{language}") or "",
            "credit": getattr(photo, f"credit_{language}") or photo.credit_ar or "",
        }

    def has_change_permission(self, request, obj=None):
        """Reporters may change only photos they uploaded that no article on the site shows yet (`published()`, as
        its featured photo or inside its text): a photo on a published page changes through an editor."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.has_perm("articles.edit_any_article"):
            return True
        return obj.uploaded_by_id == request.user.pk and not _shown_on_site(obj)

    def save_model(self, request, obj, form, change):
        prepared = form.cleaned_data.get("upload")
        if prepared is not None:
            photos.image_store(image=obj, prepared=prepared, by=request.user)
        else:
            photos.image_describe(image=obj, by=request.user)


class CorrectionInline(ContentDirectionMixin, TranslationStackedInline):
    """Public corrections and updates: editors add them; reporters see them."""

    model = Correction
    extra = 0
    fields = ["kind", "text", "published_at"]

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("articles.edit_any_article")

    has_change_permission = has_delete_permission = has_add_permission


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]


MISSING_PHOTO = _(
    "A photo in this text was replaced or deleted after you opened the page, so your changes were not saved. Your "
    "text is still in the form: copy what you need, then reload the page to get the photo as it is now."
)


class ArticleForm(forms.ModelForm):
    # Optimistic locking: the version the editor loaded travels with the form; saving over a newer one is refused.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Sent by the edit-conflict panel's «save over theirs» button only: the version the editor saw there.
    overwrite_version = forms.IntegerField(required=False)
    schedule_for = forms.SplitDateTimeField(
        label=_("Publish at"),
        required=False,
        widget=admin.widgets.AdminSplitDateTime,
        help_text=_("Leave empty to publish at once; a future time schedules the article."),
    )

    class Meta:
        model = Article
        # Status and publication time are not form fields: only the workflow buttons (services) change them.
        fields = [
            *(
                f"{name}_{language}"
                for name in ("headline", "standfirst", "body", "dateline")
                for language in ("ar", "en")
            ),
            "slug",
            "section",
            "featured_image",
            "tags",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        # The admin's split widget writes «Date:» and «Time:» as text beside its inputs, not as their labels.
        date, time = self.fields["schedule_for"].widget.widgets
        date.attrs["aria-label"], time.attrs["aria-label"] = _("Publication date"), _("Publication time")
        # The editor's image dialog shows and edits addresses: photos stored by reference get theirs back (one
        # query when the text shows any), and saving turns them into references again.
        columns = (f"body_{code}" for code, _name in settings.LANGUAGES)
        bodies = [column for column in columns if self.initial.get(column)]
        shown = inline_photos.renditions_of(inline_photos.photo_ids(*(self.initial[column] for column in bodies)))
        for column in bodies:
            self.initial[column] = inline_photos.for_editor(self.initial[column], shown)
        # The photo dialog's «Browse» opens the photo library (ImageAdmin.picker_view), which answers in the text's
        # language. A new dict: the field's config is shared by every form.
        for code, _name in settings.LANGUAGES:
            if (field := self.fields.get(f"body_{code}")) is not None:
                picker = {"pickerUrl": f"{reverse('admin:articles_image_picker')}?{urlencode({'lang': code})}"}
                extensions = {**field.widget.config["extensions"], "Figure": picker}
                field.widget.config = {**field.widget.config, "extensions": extensions}

    def clean(self):
        cleaned = super().clean()
        for column in (f"body_{code}" for code, _name in settings.LANGUAGES):
            if cleaned.get(column) and inline_photos.missing_renditions(cleaned[column]):
                # A photo replaced or deleted after this form was opened: saved, its old address would be a broken
                # image on the page.
                self.add_error(column, forms.ValidationError(MISSING_PHOTO, code="photo_replaced"))
        if self.instance.pk:
            if cleaned.get("overwrite_version") is not None:
                # «Save over theirs»: the editor has seen that version (the conflict panel), and saves over it only.
                cleaned["loaded_version"] = cleaned["overwrite_version"]
            # Refused here, as an error on the form with the editor's text kept; the row stays locked until the
            # admin's transaction commits, so two saves cannot both pass. ArticleAdmin.save_model() saves.
            try:
                articles.article_check_version(article=self.instance, loaded_version=cleaned.get("loaded_version"))
            except ValidationError:
                self.conflict = self._conflict(cleaned)
                raise
        return cleaned

    def _conflict(self, cleaned):
        """What the stored article (saved meanwhile) and this form differ in, field by field, with who saved it:
        the text in both languages, and the section, photo and tags a save over theirs would also write."""
        stored = Article.objects.select_related("section", "featured_image").get(pk=self.instance.pk)
        texts = (f"{name}_{code}" for name in ("headline", "standfirst", "body", "dateline") for code in ("ar", "en"))
        names = [name for name in (*texts, "slug", "section", "featured_image", "tags") if name in self.fields]
        languages = {name: name.rpartition("_")[2] for name in names if name.endswith(("_ar", "_en"))}
        labels = {
            name: f"{self.fields[name].label} ({languages[name].upper()})"
            if name in languages
            else self.fields[name].label
            for name in names
        }
        theirs = {name: getattr(stored, name) for name in names if name != "tags"}
        theirs["tags"] = ", ".join(sorted(stored.tags.names()))
        mine = {name: cleaned.get(name, self.data.get(name)) for name in names if name != "tags"}
        mine["tags"] = ", ".join(sorted(cleaned.get("tags") or []))
        last_save = stored.revisions.select_related("created_by").first()
        return {
            "version": stored.version,
            "by": last_save.created_by if last_save else None,
            "at": last_save.created_at if last_save else stored.updated_at,
            "fields": conflicts.field_conflicts(theirs, mine, labels, languages),
        }


# The workflow buttons of the article form: the POSTed value → the service it calls.
# The longest note an editor leaves when returning an article (the rest of a longer one is cut).
NOTE_MAX_LENGTH = 2000


def workflow_outcome(article, note=""):
    """What a workflow step did, in the words the desk reads after pressing the button."""
    if article.status == Article.Status.DRAFT and note:
        return _("Returned to the writer with your note.")
    if article.status == Article.Status.SCHEDULED:
        when = formats.date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
        return _("Scheduled: it will be published on %(time)s.") % {"time": when}
    return {
        Article.Status.PUBLISHED: _("Published: readers see it now."),
        Article.Status.IN_REVIEW: _("Sent to the editors for review."),
        Article.Status.DRAFT: _("Returned to draft."),
        Article.Status.UNPUBLISHED: _("Unpublished: readers no longer see it."),
    }[article.status]


def workflow_step_said(step, article):
    """The workflow's last step as the article form says it beside the buttons: what happened, who, when."""
    if step.to_status == Article.Status.SCHEDULED:
        when = formats.date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
        what = _("Scheduled for publication on %(time)s") % {"time": when}
    elif step.to_status == Article.Status.DRAFT and step.note:
        what = _("Returned to the writer with a note")
    else:
        what = {
            Article.Status.PUBLISHED: _("Published"),
            Article.Status.IN_REVIEW: _("Sent for review"),
            Article.Status.DRAFT: _("Returned to draft"),
            Article.Status.UNPUBLISHED: _("Unpublished"),
        }[step.to_status]
    return {"what": what, "by": step.by, "at": step.at}


WORKFLOW_ACTIONS = {
    "submit": articles.article_submit,
    "return_to_draft": articles.article_return_to_draft,
    "publish": articles.article_publish,
    "unpublish": articles.article_unpublish,
}


@admin.register(Article)
class ArticleAdmin(RichTextEditorAdminMixin, ContentDirectionMixin, TabbedTranslationAdmin):
    form = ArticleForm
    # Listed in full: modeltranslation builds the form's layout from model fields, and would leave out the hidden
    # version (optimistic locking) and the scheduling time, which are form fields only. The publication box is drawn
    # after the bylines, with the workflow buttons under its time (admin/articles/article/change_form.html).
    fieldsets = [
        (
            None,
            {
                "fields": [
                    *(
                        f"{name}_{code}"
                        for name in ("headline", "standfirst", "body", "dateline")
                        for code in ("ar", "en")
                    ),
                    "slug",
                    "section",
                    "featured_image",
                    "tags",
                    "loaded_version",
                ]
            },
        ),
        (_("Publication"), {"fields": ["schedule_for", "published_at", "created_by"], "classes": ["publication"]}),
    ]
    show_facets = admin.ShowFacets.ALWAYS
    list_display = ["headline", "section", "status", "published_at", "byline"]
    list_filter = ["status", "section", ("bylines__author", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["search_text"]
    date_hierarchy = "published_at"
    readonly_fields = ["status", "published_at", "created_by"]
    inlines = [BylineInline, CorrectionInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected", "lead_home_page"]
    change_form_template = "admin/articles/article/change_form.html"

    @property
    def media(self):
        # Tells the desk who else has the article open (articles/presence.py), and keeps saying this form is.
        return super().media + forms.Media(js=["js/article-presence.js"])

    @admin.display(description=_("byline"))
    def byline(self, article):
        return pgettext("list separator", ", ").join(author.name for author in article.byline_authors())

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("section").prefetch_related("bylines__author")
        return queryset.visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        """Search the normalised text: «احمد» finds «أحمد», «مدينه» finds «مدينة»."""
        return super().get_search_results(request, queryset, normalize_arabic(search_term))

    def has_change_permission(self, request, obj=None):
        """Reporters edit their own drafts only; editors edit everything (`Article.may_be_edited_by()`)."""
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.may_be_edited_by(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and request.user.has_perm("articles.edit_any_article")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The form, each time it is drawn (not when a save redirects): the note of the editor who last returned the
        article to its writer while it is a draft, the workflow's last step said beside its buttons, and who else
        has the article open (this page load counting as one of them from now on)."""
        if obj is not None:
            step = obj.transitions.select_related("by").order_by("-at", "-id").first()
            note = articles.article_return_note(obj) if obj.status == Article.Status.DRAFT else None
            page = secrets.token_urlsafe(9)
            others = presence.presence_enter(article_id=obj.pk, user=request.user, page=page)
            context |= {
                # The reads of its page per day (articles/reads.py), once it has been published: one query.
                "reads_per_day": reads_per_day(obj) if obj.published_at else None,
                "return_note": note,
                "last_step": step and workflow_step_said(step, obj),
                "presence": {
                    "page": page,
                    "text": presence.presence_sentence(others),
                    "url": reverse("admin:articles_article_presence", args=[obj.pk]),
                    "heartbeat": presence.HEARTBEAT_SECONDS,
                },
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def presence_view(self, request, pk):
        """The article form's heartbeat (POST): still open, or `leave`; answers who else has it open."""
        if request.method != "POST":
            return JsonResponse({"error": _("Use POST.")}, status=405)
        article = self._article_or_404(request, pk)
        page = request.POST.get("page", "")[:40]
        if request.POST.get("action") == "leave":
            presence.presence_leave(article_id=article.pk, user=request.user, page=page)
            return JsonResponse({"text": ""})
        others = presence.presence_enter(article_id=article.pk, user=request.user, page=page)
        return JsonResponse({"text": presence.presence_sentence(others)})

    def save_model(self, request, obj, form, change):
        articles.article_save(article=obj, by=request.user, loaded_version=form.cleaned_data.get("loaded_version"))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for correction in formset.save(commit=False):
            corrections.correction_save(correction=correction, by=request.user)
        for deleted in formset.deleted_objects:
            corrections.correction_delete(correction=deleted, by=request.user)
        formset.save_m2m()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            bylines.byline_default(article=form.instance, by=request.user)
        revisions.article_snapshot(article=form.instance, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        if self._run_workflow_button(request, obj):
            return redirect("admin:articles_article_change", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._run_workflow_button(request, obj):
            return redirect("admin:articles_article_change", obj.pk)
        return super().response_change(request, obj)

    def _run_workflow_button(self, request, article):
        """After the text is saved (bylines included), apply the workflow button that was pressed, if any, and say
        what happened, instead of the admin's «added» or «changed». Whether a button was pressed: the desk then
        comes back to the article, where the outcome is said beside the buttons."""
        action = WORKFLOW_ACTIONS.get(request.POST.get("_workflow", ""))
        if action is None:
            return False
        extra = {"at": self._schedule_time(request)} if action is articles.article_publish else {}
        if action is articles.article_return_to_draft:
            extra = {"note": request.POST.get("workflow_note", "")[:NOTE_MAX_LENGTH]}
        if self._apply(request, action, article, saved=True, **extra):
            article.refresh_from_db(fields=["status", "published_at"])
            self.message_user(request, workflow_outcome(article, extra.get("note", "").strip()), messages.SUCCESS)
            request._workflow_said = True
        return True

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_workflow_said", False) and level == messages.SUCCESS:
            return  # the workflow's own message says more than the admin's «saved»
        super().message_user(request, message, level, *args, **kwargs)

    def _schedule_time(self, request):
        field = ArticleForm.base_fields["schedule_for"]
        try:
            return field.clean([request.POST.get("schedule_for_0", ""), request.POST.get("schedule_for_1", "")])
        except forms.ValidationError:
            return None

    def _apply(self, request, action, article, *, saved=False, **extra):
        """Apply a workflow service, saying why it refused if it does; `saved`: the form's text was saved just
        before, which the refusal must not leave in doubt."""
        try:
            action(article=article, by=request.user, **extra)
        except (PermissionDenied, ValidationError) as refusal:
            message = refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
            if saved:
                message = _("Your text is saved, but: %(reason)s") % {"reason": message}
            self.message_user(request, f"«{article}»: {message}", messages.ERROR)
            return False
        return True

    def _bulk(self, request, queryset, action):
        """Apply a service to each selected article; refusals are reported one by one, successes counted."""
        done = sum(self._apply(request, action, article) for article in queryset)
        if done:
            message = ngettext("%(count)s article changed.", "%(count)s articles changed.", done) % {"count": done}
            self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Submit the selected articles for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, articles.article_submit)

    @admin.action(description=_("Publish the selected articles now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, articles.article_publish)

    @admin.action(description=_("Unpublish the selected articles"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, articles.article_unpublish)

    def has_arrange_permission(self, request):
        return request.user.has_perm("articles.add_arrangement")

    @admin.action(description=_("Lead the home page with the selected article, from now"), permissions=["arrange"])
    def lead_home_page(self, request, queryset):
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(request, _("Choose one article to lead the home page."), messages.WARNING)
            return None
        try:
            arrangement = arranging.arrangement_lead(article=chosen[0], by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        self.message_user(request, _("«%(headline)s» leads the home page now; the lead it had is the first featured "
                                     "story.") % {"headline": chosen[0].headline}, messages.SUCCESS)  # fmt: skip
        return redirect("admin:articles_arrangement_change", arrangement.pk)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "<int:pk>/presence/", self.admin_site.admin_view(self.presence_view), name="articles_article_presence"
            ),
        ]
        return own + super().get_urls()

    def _article_or_404(self, request, pk):
        article = self.get_queryset(request).filter(pk=pk).first()
        if article is None or not self.has_view_permission(request, article):
            raise Http404
        return article

    def revisions_view(self, request, pk):
        """Every saved version of the article, newest first, each language in its own direction."""
        article = self._article_or_404(request, pk)
        saved = list(article.revisions.select_related("created_by"))
        bodies = (revision.content.get(f"body_{code}") for revision in saved for code, _name in settings.LANGUAGES)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Revisions of “%(headline)s”") % {"headline": article.headline},
            "revisions": saved,
            # The photos the revisions show, as they are now (one query for them all).
            "photos": inline_photos.renditions_of(inline_photos.photo_ids(*bodies)),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def restore_view(self, request, pk, number):
        article = self._article_or_404(request, pk)
        if request.method != "POST":
            return redirect("admin:articles_article_revisions", pk=pk)
        revision = get_object_or_404(article.revisions, number=number)
        try:
            revisions.article_restore(article=article, revision=revision, by=request.user)
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return redirect("admin:articles_article_revisions", pk=pk)
        self.message_user(request, _("Revision %(number)s restored.") % {"number": revision.number}, messages.SUCCESS)
        return redirect("admin:articles_article_change", pk)

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")


# taggit registers its own generic Tag model; this site's tags are articles.Tag.
admin.site.unregister(TaggitTag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "normalized"]
    readonly_fields = ["normalized"]


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The workflow's history: every step, by whom and when, with the notes editors left when returning an article."""

    list_display = ["article", "from_status", "to_status", "by", "at", "note"]
    list_filter = ["to_status"]
    list_select_related = ["article", "by"]
    search_fields = ["note"]
    date_hierarchy = "at"


# The arrangement of the home page and of the sections' pages: its own module, registered with the rest.
from . import arrangement_admin  # noqa: E402, F401
