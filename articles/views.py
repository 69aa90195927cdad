from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import get_language, override
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from core.arabic import search_terms
from core.pagecache import count_read

from . import page_tags
from .fronts import front_of, section_order
from .loading import attach_page_parts, related_articles
from .models import LONG_TEXT_FIELDS, SEARCH_CANDIDATES, Article, Author, Section, Tag
from .pagination import UncountedPaginator
from .reads import READ_KIND, most_read_lists


class PublishedArticlesMixin:
    """Article lists: what readers may see (`published()`), in the active language, as cards with their photos."""

    def get_queryset(self):
        return Article.objects.published().translated(get_language()).for_listing().with_card_photos()


class FrontMixin:
    """A page with an arranged top (the home page, a section's): on its first page, the lead and featured stories
    the editors chose (articles/fronts.py); below them, and on every further page, the list without those, so that
    no story shows twice and the pages follow on from each other."""

    def front_section(self):
        return None

    @cached_property
    def front(self):
        return front_of(self.front_section(), language=get_language())

    def get_queryset(self):
        return super().get_queryset().exclude(pk__in=self.front.shown_ids)

    def get_paginator(self, queryset, per_page, **kwargs):
        # The top's empty slots take the newest of the list, read with its first page.
        return super().get_paginator(queryset, per_page, head=self.front.empty_slots, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        shown = []
        if not page.has_previous():
            self.front.fill(page.head)
            context["front"] = self.front
            shown = self.front.articles
        # Every page of the list depends on the arrangement (which stories it leaves out, and how many the top
        # takes from its head), not only the first.
        page_tags.show_front(self.front_section(), shown, self.front.arranged_ids)
        return context


class ArticleListPage(PublishedArticlesMixin, ListView):
    """A paginated list of published articles about one thing (a section, a tag, an author)."""

    model = None  # the thing: Section, Tag or Author, found by its Unicode slug
    filter_field = ""  # how articles point at it
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = UncountedPaginator

    def get(self, request, *args, **kwargs):
        self.subject = get_object_or_404(self.model, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(**{self.filter_field: self.subject})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(subject=self.subject, **kwargs)
        page_tags.show_list(self.subject_tag(self.subject.pk), context["articles"], with_photos=True)
        return context


class SectionView(FrontMixin, ArticleListPage):
    model = Section
    filter_field = "section"
    subject_tag = staticmethod(page_tags.section_tag)
    template_name = "articles/section_detail.html"

    def front_section(self):
        return self.subject


class TagView(ArticleListPage):
    model = Tag
    filter_field = "tags"
    subject_tag = staticmethod(page_tags.tag_tag)
    template_name = "articles/tag_detail.html"


class AuthorView(ArticleListPage):
    model = Author
    filter_field = "bylines__author"
    subject_tag = staticmethod(page_tags.author_tag)
    template_name = "articles/author_detail.html"

    def get_context_data(self, **kwargs):
        if self.subject.photo_id:
            page_tags.tag_page(page_tags.photo_tag(self.subject.photo_id))
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        self.subject = get_object_or_404(
            Author.objects.select_related("photo").prefetch_related("photo__renditions", "links"), slug=kwargs["slug"]
        )
        return super(ArticleListPage, self).get(request, *args, **kwargs)


SEARCH_MAX_LENGTH = 200


class SearchView(PublishedArticlesMixin, ListView):
    """Search, ranked and highlighted. An empty query, or one with no words in it, gets a page that says what to
    type rather than an error."""

    template_name = "articles/search.html"
    context_object_name = "articles"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("q", "")
        self.too_long = len(raw) > SEARCH_MAX_LENGTH
        self.query = " ".join(raw[:SEARCH_MAX_LENGTH].split())
        self.searchable = bool(search_terms(self.query))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.searchable:
            return Article.objects.none()
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        names = {}
        if self.searchable:
            # Places, people and writers whose names look like the query (typing slips forgiven on PostgreSQL).
            names = {
                "matching_tags": list(Tag.objects.matching(self.query)),
                "matching_authors": list(Author.objects.matching(self.query)),
            }
        context = super().get_context_data(
            query=self.query,
            searchable=self.searchable,
            too_long=self.too_long,
            # PostgreSQL ranks the newest SEARCH_CANDIDATES matches only (Article.objects.search()).
            search_cap=SEARCH_CANDIDATES if connection.vendor == "postgresql" else None,
            **names,
            **kwargs,
        )
        page_tags.tag_page(
            page_tags.SEARCH,
            *(page_tags.tag_tag(tag.pk) for tag in names.get("matching_tags", ())),
            *(page_tags.author_tag(author.pk) for author in names.get("matching_authors", ())),
        )
        page_tags.show_cards(context["articles"], with_photos=True)
        return context


class ArticlePageMixin:
    """The article page: the article's row (section and photo joined) from `get_queryset()`; once the page is to be
    drawn, the rest of what it shows in one more query (articles/loading.py)."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        attach_page_parts(self.object)
        return super().get_context_data(**kwargs)


class ArticleDetailView(ArticlePageMixin, DetailView):
    def get_queryset(self):
        return Article.objects.published().for_page()

    def get(self, request, *args, **kwargs):
        self.object = article = self.get_object()
        if not article.is_translated(get_language()):
            # No translation yet: send the reader to the original rather than to an empty page. Not a permanent
            # redirect, since a translation may come later.
            with override(settings.LANGUAGE_CODE):
                return redirect(article.get_absolute_url())
        if kwargs.get("slug") != article.slug:
            return redirect(article.get_absolute_url(), permanent=True)
        return self.render_to_response(self.get_context_data(object=article))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # with the article's parts, which related_articles() reads
        article = self.object
        # The languages this page exists in, for the language switch and the hreflang links.
        context["page_languages"] = [code for code, _name in settings.LANGUAGES if article.is_translated(code)]
        context["related"] = related_articles(article, language=get_language())
        page_tags.show_article(article, context["related"])
        context["most_read_lists"] = most_read_lists(get_language())
        # Every reader's look at this page counts as a read of the article, from the cache too (core/reads.py).
        count_read(READ_KIND, article.pk)
        return context


@method_decorator(never_cache, name="dispatch")
class ArticlePreviewView(LoginRequiredMixin, ArticlePageMixin, DetailView):
    """
    Any article as readers would see it, whatever its status, for editors and the article's own authors.

    Private (login, then 404 for anyone else: the page does not admit the article exists), never cached and never
    indexed.
    """

    login_url = "admin:login"

    def get_queryset(self):
        return Article.objects.for_page()

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not article.is_visible_to(self.request.user):
            raise Http404
        return article

    def get_context_data(self, **kwargs):
        article = self.object
        original = None
        if not article.is_translated(get_language()):
            # Not yet written in this language: the page says so and leads to the original's preview.
            with override(settings.LANGUAGE_CODE):
                original = reverse("articles:article_preview", args=[article.pk])
        return super().get_context_data(
            preview=True, page_languages=[get_language()], untranslated_original=original, **kwargs
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class HomeView(FrontMixin, PublishedArticlesMixin, ListView):
    """The front page: the top the editors arranged, the latest news below it, and a block per section."""

    template_name = "articles/home.html"
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = UncountedPaginator  # no count of the whole archive on every visit

    def get_context_data(self, **kwargs):
        # The sections, without a count of their articles: counting reads the whole archive on every visit to the
        # front page (bench/README.md, "Figures behind decisions in the code"), for a number readers do not come for.
        sections = list(Section.objects.all())
        context = super().get_context_data(sections=sections, most_read_lists=most_read_lists(get_language()), **kwargs)
        shown = list(context["articles"])
        if not context["page_obj"].has_previous():
            ordered = section_order(self.front.arrangement, sections)
            context["section_blocks"] = self.section_blocks(ordered)
            shown += [article for _section, articles in context["section_blocks"] for article in articles]
        page_tags.show_front_page(shown, sections)
        return context

    def section_blocks(self, sections, per_section=3):
        """The newest few articles of each section, in one query: on PostgreSQL one small index scan per section,
        glued with UNION ALL (the cost does not grow with the archive); elsewhere a window function numbers them
        per section."""
        visible = Article.objects.published().translated(get_language()).defer(*LONG_TEXT_FIELDS)
        if connection.features.supports_slicing_ordering_in_compound and sections:
            parts = [
                visible.filter(section_id=section.pk).order_by("-published_at", "-id")[:per_section]
                for section in sections
            ]
            newest = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        else:
            newest = (
                visible.annotate(
                    place=Window(
                        RowNumber(), partition_by=F("section_id"), order_by=[F("published_at").desc(), F("id").desc()]
                    )
                )
                .filter(place__lte=per_section)
                .order_by("section_id", "place")
            )
        by_section = {}
        for article in newest:
            by_section.setdefault(article.section_id, []).append(article)
        for articles in by_section.values():
            articles.sort(key=lambda article: (article.published_at, article.pk), reverse=True)
        return [(section, by_section[section.pk]) for section in sections if section.pk in by_section]
