from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..models import Article, Section
from ..sanitize import clean_body

register = template.Library()


@register.filter
def article_body(html):
    """Render stored article HTML through the sanitiser again, never as trusted markup."""
    return mark_safe(clean_body(html))  # noqa: S308 - nh3 output is safe by construction


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


@register.inclusion_tag("articles/photo.html")
def photo(image, sizes="(max-width: 42rem) 100vw, 42rem", loading="eager"):
    """A photo as a <picture>: WebP renditions for browsers that take them, JPEG for the rest, with width and height
    set so the page does not jump while it loads. Uses the renditions prefetched with the image."""
    renditions = sorted(image.renditions.all(), key=lambda rendition: rendition.width)
    webp = [r for r in renditions if r.format == "webp"]
    jpeg = [r for r in renditions if r.format == "jpeg"]
    fallback = next((r for r in reversed(jpeg) if r.width <= 960), jpeg[0] if jpeg else None)
    return {
        "image": image,
        "webp_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in webp),
        "jpeg_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in jpeg),
        "fallback": fallback,
        "sizes": sizes,
        "loading": loading,
    }


@register.inclusion_tag("articles/section_nav.html", takes_context=True)
def section_nav(context):
    """The masthead's sections (one query), the current one marked."""
    request = context.get("request")
    return {"sections": Section.objects.all(), "current_path": request.path if request else ""}
