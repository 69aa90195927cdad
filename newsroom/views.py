import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from articles.models import LONG_TEXT_FIELDS, Article, Section
from articles.pagination import UncountedPaginator
from articles.views import PublishedArticlesMixin


class HomeView(PublishedArticlesMixin, ListView):
    template_name = "newsroom/home.html"
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = UncountedPaginator  # no count of the whole archive on every visit

    def get_context_data(self, **kwargs):
        # The sections, without a count of their articles: counting reads the whole archive on every visit to the
        # front page (110 ms at 100,000 articles, bench/README.md), for a number readers do not come for.
        sections = list(Section.objects.all())
        context = super().get_context_data(sections=sections, **kwargs)
        if not context["page_obj"].has_previous():
            context["section_blocks"] = self.section_blocks(sections)
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


def page_not_found(request, exception):
    """Django's 404 page, or the database-down page (503) when the 404 page itself cannot be drawn."""
    from django.db import DatabaseError
    from django.views.defaults import page_not_found as default_page_not_found

    from .middleware import DatabaseUnavailableMiddleware

    try:
        return default_page_not_found(request, exception)
    except DatabaseError as error:
        return DatabaseUnavailableMiddleware(None).process_exception(request, error)


@never_cache
def bench_ceiling(request):
    """A constant page the size of an article page: what Django itself costs, for `make bench` to compare with."""
    return HttpResponse(b"x" * settings.NEWSROOM_BENCH_CEILING_BYTES, content_type="text/html; charset=utf-8")


def _check_database():
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"; the class name says which
        return {"ok": False, "vendor": connection.vendor, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _check_cache():
    started = time.perf_counter()
    cache = caches["default"]
    backend = type(cache).__name__
    try:
        cache.set("healthz", "ok", timeout=10)
        ok = cache.get("healthz") == "ok"
    except Exception as error:  # noqa: BLE001 - a dead cache must be reported, not raised
        return {"ok": False, "backend": backend, "error": type(error).__name__}
    return {"ok": ok, "backend": backend, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


@never_cache
def healthz(request):
    """
    Machine-readable health for load balancers and monitoring.

    503 when the database is unreachable (this worker cannot serve pages); 200 with status "degraded" when only the
    cache is down, since pages are still served, uncached.
    """
    database, cache_state = _check_database(), _check_cache()
    if not database["ok"]:
        status, code = "error", 503
    elif not cache_state["ok"]:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "database": database, "cache": cache_state}, status=code)
