"""Sitemaps for search engines, with each page's Arabic and English addresses, and a Google News sitemap."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Article, Author, Section, Tag


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class HomeSitemap(BilingualSitemap):
    changefreq = "hourly"

    def items(self):
        return ["home"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(BilingualSitemap):
    limit = 5000

    def items(self):
        return Article.objects.published().only("pk", "slug", "updated_at", "headline_en", "body_en").order_by("-id")

    def lastmod(self, article):
        return article.updated_at

    def get_languages_for_item(self, article):
        return [code for code, _name in settings.LANGUAGES if article.is_translated(code)]


class SubjectSitemap(BilingualSitemap):
    model = None

    def items(self):
        return self.model.objects.order_by("pk")


class SectionSitemap(SubjectSitemap):
    model = Section


class TagSitemap(SubjectSitemap):
    model = Tag


class AuthorSitemap(SubjectSitemap):
    model = Author


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


def news_articles():
    """What a Google News sitemap lists: articles published in the last 48 hours, and live pages while their
    coverage goes on, whenever it started: their news is new (at most 1,000)."""
    since = timezone.now() - timedelta(hours=48)
    live = Q(live_started_at__isnull=False, live_ended_at__isnull=True)
    return Article.objects.published().filter(Q(published_at__gte=since) | live).order_by("-published_at")[:1000]
