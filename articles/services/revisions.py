"""Revisions: what an article said after each save, and going back to it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ..models import Article, ArticleAuthor, ArticleRevision, Author, Image, Section
from .articles import require

REVISED_FIELDS = [
    *(f"{name}_{language}" for name in ("headline", "standfirst", "body", "dateline") for language in ("ar", "en")),
    "slug",
    "section_id",
    "featured_image_id",
]


def article_snapshot(*, article: Article, by, note="") -> ArticleRevision:
    """Keep the article as it is now (text, section, slug, photo, tags, byline) as its next revision."""
    content = {field: getattr(article, field) for field in REVISED_FIELDS}
    content["tags"] = sorted(article.tags.names())
    content["authors"] = list(article.bylines.order_by("position", "id").values_list("author_id", flat=True))
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).exists()  # one numbering at a time
        last = article.revisions.aggregate(last=Max("number"))["last"] or 0
        return ArticleRevision.objects.create(
            article=article, number=last + 1, created_by=by, content=content, note=str(note)
        )


def article_restore(*, article: Article, revision: ArticleRevision, by) -> Article:
    """Put an earlier revision's content back (the current content stays in history as a revision of its own)."""
    require(article.may_be_edited_by(by), _("You cannot change this article."))
    if revision.article_id != article.pk:
        raise ValidationError(_("This revision belongs to another article."), code="wrong_article")
    content = revision.content
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        for field in REVISED_FIELDS:
            setattr(locked, field, content.get(field))
        if locked.featured_image_id and not Image.objects.filter(pk=locked.featured_image_id).exists():
            locked.featured_image_id = None  # the photo has since been deleted
        if not Section.objects.filter(pk=locked.section_id).exists():
            locked.section_id = article.section_id  # the old section has since been deleted: keep today's
        locked.version += 1
        locked.save()
        locked.tags.set(content.get("tags", []))
        locked.bylines.all().delete()
        existing = set(Author.objects.filter(pk__in=content.get("authors", [])).values_list("pk", flat=True))
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=locked, author_id=author_id, position=position)
            for position, author_id in enumerate(a for a in content.get("authors", []) if a in existing)
        )
        article_snapshot(
            article=locked, by=by, note=_("Restored from revision %(number)s") % {"number": revision.number}
        )
    return locked
