"""Template tags for the admin's templates (Django's template language). The reader site's helpers are in
articles/templating.py."""

from django import template
from django.utils.translation import gettext_lazy as _

from ..models import Article
from ..templating import article_body

register = template.Library()
register.filter("article_body", article_body)


@register.simple_tag
def editorial_queue(user, limit=20):
    """For the admin home: the articles waiting for review and those scheduled, as (heading, articles) pairs.
    Empty for users who cannot see articles (moderators)."""
    if not user.has_perm("articles.view_article"):
        return []
    articles = Article.objects.visible_to(user)
    in_review = articles.filter(status=Article.Status.IN_REVIEW).order_by("-updated_at")
    scheduled = articles.filter(status=Article.Status.SCHEDULED).order_by("published_at")
    return [
        (_("Waiting for review"), list(in_review.only("headline_ar", "headline_en", "status", "updated_at")[:limit])),
        (_("Scheduled"), list(scheduled.only("headline_ar", "headline_en", "status", "published_at")[:limit])),
    ]
