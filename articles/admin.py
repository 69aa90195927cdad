from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Article, ArticleAuthor, Author, Section, Tag


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


@admin.register(Author)
class AuthorAdmin(LatinFieldsMixin, TranslationAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name_ar", "name_en"]
    prepopulated_fields = {"slug": ["name_ar"]}
    raw_id_fields = ["user"]


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
