"""Template tags for the admin's templates (Django's template language). The reader site's helpers are in
articles/templating.py."""

from django import template
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.arabic import arabic_indic_digits

from ..models import Article, ArticleTransition
from ..reads import desk_most_read as most_read_on_the_desk
from ..templating import article_body

# How many of the newest published articles the admin home lists.
RECENT = 5

register = template.Library()
register.filter("article_body", article_body)


@register.filter
def local_digits(value):
    """Digits as the reader site writes them (newsroom/templating.py's filter of the same name, whose rule this
    repeats for the desk's Django templates: the project package is above the apps): Arabic-Indic on Arabic pages
    when NEWSROOM_ARABIC_INDIC_DIGITS asks."""
    text = str(value)
    return arabic_indic_digits(text) if settings.NEWSROOM_ARABIC_INDIC_DIGITS and get_language() == "ar" else text


@register.simple_tag
def desk_most_read(user):
    """For the desk's home: what readers read most in the last 24 hours and 7 days, with the counts (two queries;
    articles/reads.py), for those who may see articles; empty for the others (moderators)."""
    if not user.has_perm("articles.view_article"):
        return []
    lists = most_read_on_the_desk()
    # Editors open any article on the desk; a reporter may open only their own there, so the others' link to the site.
    on_the_desk = user.has_perm("articles.edit_any_article")
    for _heading, articles in lists:
        for article in articles:
            if on_the_desk:
                article.desk_url = reverse("admin:articles_article_change", args=[article.pk])
            else:
                article.desk_url = article.get_absolute_url()
    return lists


@register.simple_tag
def desk_front_page(user):
    """For the desk's home, for those who arrange pages: the home page's arrangement in force (None: the newest
    leads) and the next one scheduled (two queries)."""
    from ..models import Arrangement

    if not user.has_perm("articles.change_arrangement"):
        return None
    home = Arrangement.objects.for_page(None).select_related("lead")
    return {
        "in_force": home.in_force().first(),
        "next": home.scheduled().order_by("takes_effect_at").first(),
    }


@register.simple_tag
def editorial_queue(user, limit=20):
    """For the admin home, as (heading, articles) pairs: the user's drafts an editor returned with a note (the note
    on each), the user's own drafts, what waits for review, what is
    scheduled (still to come: one whose time has passed is published for readers, whatever its recorded status),
    and what readers got most recently. Empty for users who cannot see articles (moderators)."""
    if not user.has_perm("articles.view_article"):
        return []
    now = timezone.now()
    articles = Article.objects.visible_to(user)
    card = ("headline_ar", "headline_en", "status", "updated_at", "published_at")
    mine = Article.objects.filter(Q(created_by=user) | Q(bylines__author__user=user), status=Article.Status.DRAFT)
    # The note of the last return from review, when another (an editor) returned it with one.
    last_return = ArticleTransition.objects.filter(
        article=OuterRef("pk"), from_status=Article.Status.IN_REVIEW, to_status=Article.Status.DRAFT
    ).order_by("-at", "-id")
    mine = mine.annotate(
        return_note=Subquery(last_return.values("note")[:1]), returned_by=Subquery(last_return.values("by")[:1])
    )
    returned = mine.exclude(return_note__isnull=True).exclude(return_note="").exclude(returned_by=user.pk)
    in_review = articles.filter(status=Article.Status.IN_REVIEW).order_by("-updated_at")
    scheduled = articles.filter(status=Article.Status.SCHEDULED, published_at__gt=now).order_by("published_at")
    recent = articles.published(now).order_by("-published_at")
    return [
        (_("Returned to me"), list(returned.distinct().order_by("-updated_at").only(*card)[:limit])),
        (_("My drafts"), list(mine.distinct().order_by("-updated_at").only(*card)[:limit])),
        (_("Waiting for review"), list(in_review.only(*card)[:limit])),
        (_("Scheduled"), list(scheduled.only(*card)[:limit])),
        (_("Recently published"), list(recent.only(*card)[:RECENT])),
    ]
