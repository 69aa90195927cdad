from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import images, services
from .models import Article, ArticleAuthor, Author, AuthorLink, Image, Section, Tag


class LatinFieldsMixin:
    """English columns are written left to right, even inside the right-to-left admin."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.endswith("_en"):
            field.widget.attrs.update({"dir": "ltr", "lang": "en"})
        return field


@admin.register(Section)
class SectionAdmin(LatinFieldsMixin, TranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_ar"]}


class AuthorLinkInline(admin.TabularInline):
    model = AuthorLink
    extra = 1


@admin.register(Author)
class AuthorAdmin(LatinFieldsMixin, TranslationAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name_ar", "name_en"]
    prepopulated_fields = {"slug": ["name_ar"]}
    raw_id_fields = ["user", "photo"]
    inlines = [AuthorLinkInline]


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

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload is None and self.instance.pk is None:
            raise forms.ValidationError(_("Choose a photo to upload."), code="required")
        if upload is not None:
            images.validate_upload(upload)
        return upload


@admin.register(Image)
class ImageAdmin(LatinFieldsMixin, TranslationAdmin):
    form = ImageForm
    fields = ["upload", "preview", "alt", "caption", "credit", "width", "height", "uploaded_by"]
    list_display = ["preview", "alt", "credit", "width", "height", "created_at"]
    search_fields = ["alt_ar", "alt_en", "caption_ar", "caption_en", "credit_ar"]
    readonly_fields = ["preview", "width", "height", "uploaded_by"]

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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("upload")
        if upload is not None:
            services.image_store(image=obj, upload=upload, by=request.user)
        else:
            obj.save()


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]


@admin.register(Article)
class ArticleAdmin(LatinFieldsMixin, TranslationAdmin):
    list_display = ["headline", "section", "status", "published_at"]
    list_filter = ["status", "section"]
    search_fields = ["headline_ar", "headline_en"]
    date_hierarchy = "published_at"
    list_select_related = ["section"]
    inlines = [BylineInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "normalized"]
    readonly_fields = ["normalized"]
