"""robots.txt, the sitemap and the Google News sitemap: site-wide files for search engines."""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import override
from django.views.decorators.http import require_GET

from .page_tags import LATEST, article_tag, tag_page
from .page_tags import SITEMAPS as SITEMAPS_TAG
from .sitemaps import SITEMAPS, news_articles


@require_GET
def robots_txt(request):
    """Everything is open to crawlers except the editors' desk and private previews."""
    with override("en"):
        english_preview = reverse("articles:article_preview", args=[0]).rsplit("0/", 1)[0]
    with override("ar"):
        preview = reverse("articles:article_preview", args=[0]).rsplit("0/", 1)[0]
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        f"Disallow: {preview}",
        f"Disallow: {english_preview}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def sitemap(request):
    """Django's sitemap of every address (articles/sitemaps.py)."""
    tag_page(SITEMAPS_TAG)
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS)


def news_sitemap(request):
    articles = list(news_articles())
    tag_page(LATEST, *(article_tag(article.pk) for article in articles))
    entries = []
    for article in articles:
        for code, _name in settings.LANGUAGES:
            if article.is_translated(code):
                with override(code):
                    entries.append(
                        {
                            "location": request.build_absolute_uri(article.get_absolute_url()),
                            "language": code,
                            "name": settings.NEWSROOM_SITE_NAME.get(code, settings.NEWSROOM_SITE_NAME["ar"]),
                            "title": article.headline,
                            "published": article.published_at,
                        }
                    )
    return render(request, "sitemap_news.xml", {"entries": entries}, content_type="application/xml")
