import json
import re
from urllib.parse import quote, urlencode

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from newsroom.arabic import search_terms

from ..models import Article, Section
from ..sanitize import clean_body

_WORDS = re.compile(r"\w+")

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


def _absolute(request, path):
    return request.build_absolute_uri(path)


@register.inclusion_tag("articles/share_links.html", takes_context=True)
def share_links(context, article):
    """Plain links to share an article (no third-party script, nothing loaded until a reader clicks)."""
    url = _absolute(context["request"], article.get_absolute_url())
    title = article.headline
    return {
        "links": [
            ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
            ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
            ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
            (_("E-mail"), "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)),
        ]
    }


_JSON_IN_HTML = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """schema.org NewsArticle for search engines, as a JSON data block (not a script: a CSP does not govern it)."""
    request = context["request"]
    image = article.featured_image
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "description": article.standfirst or "",
        "inLanguage": get_language(),
        "mainEntityOfPage": _absolute(request, article.get_absolute_url()),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "author": [
            {"@type": "Person", "name": author.name, "url": _absolute(request, author.get_absolute_url())}
            for author in article.byline_authors()
        ],
        "publisher": {"@type": "Organization", "name": context.get("outlet_name", "")},
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if image is not None:
        data["image"] = [
            _absolute(request, rendition.file.url)
            for rendition in sorted(image.renditions.all(), key=lambda r: r.width)
            if rendition.format == "jpeg"
        ]
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_IN_HTML)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped JSON


@register.filter
def best_rendition(image, width):
    """The JPEG rendition of `image` closest to `width` without going over (uses prefetched renditions)."""
    return image.rendition(int(width)) if image else None


@register.filter
def highlight(text, query):
    """`text`, escaped, with the words that match `query` (by the search's own stemming) in <mark>."""
    terms = search_terms(query or "")
    stems = {stem for stem, _bare in terms}
    prefixes = tuple(bare for _stem, bare in terms)
    if not terms:
        return escape(text)
    pieces, last = [], 0
    for match in _WORDS.finditer(text or ""):
        word_terms = search_terms(match.group())
        if word_terms and (word_terms[0][0] in stems or word_terms[0][1].startswith(prefixes)):
            pieces += [escape(text[last : match.start()]), format_html("<mark>{}</mark>", match.group())]
            last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped
