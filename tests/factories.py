"""Plain builders for test data: each returns a saved object with sensible defaults that a test can override."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section

_sequence = count(1)


def make_section(**fields):
    number = next(_sequence)
    fields.setdefault("name_ar", f"قسم {number}")
    fields.setdefault("name_en", f"Section {number}")
    return Section.objects.create(**fields)


def make_author(**fields):
    number = next(_sequence)
    fields.setdefault("name_ar", f"كاتب رقم {number}")
    fields.setdefault("name_en", f"Writer {number}")
    return Author.objects.create(**fields)


def make_article(*, authors=(), **fields):
    """A published article (an hour old) unless `status`/`published_at` say otherwise; with `headline_en`, an
    English translation too."""
    number = next(_sequence)
    fields.setdefault("headline_ar", f"خبر عاجل رقم {number} من دير الزور")
    fields.setdefault("standfirst_ar", "موجز الخبر في جملة واحدة.")
    fields.setdefault("body_ar", "<p>نص الخبر.</p>")
    if "headline_en" in fields:
        fields.setdefault("body_en", "<p>The story.</p>")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    return article
