"""What the reader templates (Jinja2, newsroom/templating.py) get from the articles app."""

import json
import re
from urllib.parse import quote, urlencode

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from jinja2 import pass_context

from core.arabic import search_terms

from .inline_photos import expand
from .models import Section
from .sanitize import clean_body

_WORDS = re.compile(r"\w+")
JSON_IN_HTML = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def article_body(html, photos=None):
    """Stored article HTML through the sanitiser again, never as trusted markup, with its photos drawn from their
    current renditions: those in `photos` (articles/inline_photos.py), or looked up (one query) when not given."""
    return mark_safe(expand(clean_body(html), photos))  # noqa: S308 - nh3 output, and renditions' escaped addresses


def picture(image, sizes="(max-width: 42rem) 100vw, 42rem"):
    """What a photo's <picture> needs: WebP renditions for browsers that take them, JPEG for the rest, and the
    fallback <img> (its width and height keep the page from jumping while it loads). Uses the renditions
    prefetched with the image; None when the photo has no JPEG rendition."""
    renditions = sorted(image.renditions.all(), key=lambda rendition: rendition.width)
    jpeg = [r for r in renditions if r.format == "jpeg"]
    if not jpeg:
        return None
    return {
        "webp_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in renditions if r.format == "webp"),
        "jpeg_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in jpeg),
        "fallback": next((r for r in reversed(jpeg) if r.width <= 960), jpeg[0]),
        "sizes": sizes,
    }


def section_menu():
    """The masthead's sections (one query)."""
    return list(Section.objects.all())


def share_links(request, article):
    """Plain links to share an article (no third-party script, nothing loaded until a reader clicks)."""
    address = request.build_absolute_uri(article.get_absolute_url())
    title = article.headline
    return [
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": address, "text": title})),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {address}"})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": address, "text": title})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": address})),
        (_("E-mail"), "mailto:?" + urlencode({"subject": title, "body": address}, quote_via=quote)),
    ]


def article_json_ld_data(context, article):
    """schema.org NewsArticle of `article`, as a dict (the live app makes a live page's LiveBlogPosting of it)."""
    request = context["request"]
    image = article.featured_image
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "description": article.standfirst or "",
        "inLanguage": get_language(),
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "author": [
            {"@type": "Person", "name": author.name, "url": request.build_absolute_uri(author.get_absolute_url())}
            for author in article.byline_authors()
        ],
        "publisher": {"@type": "Organization", "name": context.get("outlet_name", "")},
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if image is not None:
        data["image"] = [
            request.build_absolute_uri(rendition.file.url)
            for rendition in sorted(image.renditions.all(), key=lambda r: r.width)
            if rendition.format == "jpeg"
        ]
    return data


@pass_context
def article_json_ld(context, article):
    """schema.org NewsArticle for search engines, as a JSON data block (not a script: a CSP does not govern it)."""
    text = json.dumps(article_json_ld_data(context, article), ensure_ascii=False).translate(JSON_IN_HTML)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped JSON


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


GLOBALS = {
    "picture": picture,
    "section_menu": section_menu,
    "share_links": share_links,
    "article_json_ld": article_json_ld,
}
FILTERS = {
    "article_body": article_body,
    "highlight": highlight,
}
