"""
The read-only JSON API (django-ninja): what readers may see on the site, for apps and partners, in the language of
the address (/api/v1/ Arabic, /en/api/v1/ English, like every page).

Each answer is a page like any other for the shared page cache: the same address gives every client the same bytes,
and while it is drawn it names what it shows with the tags the HTML pages use (articles/page_tags.py,
live/page_tags.py), so the purges that refresh the site's pages refresh the API's answers too. Lists page with
opaque, signed cursors (api/cursors.py). Errors are JSON with a translated message, never a 500 for bad input.
"""

import re
from datetime import UTC, datetime

from django.conf import settings
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import Throttled, ValidationError
from ninja.renderers import JSONRenderer
from ninja.throttling import BaseThrottle

from articles import page_tags
from articles.loading import attach_page_parts
from articles.models import Article, Author, Section, Tag
from articles.sanitize import clean_body
from articles.templating import article_body
from articles.views import SEARCH_MAX_LENGTH
from core.addresses import cached_reverse
from core.arabic import search_terms
from core.client_ip import client_ip
from core.pagecache import tag_page
from core.ratelimit import over_limit
from live.alerts import ALERT_TAG, current_alert
from live.models import LiveEntry
from live.page_tags import live_tag
from live.templating import SHOWN_STATUSES

from . import schemas
from .cursors import BadCursor, cursor_make, cursor_read

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# Search ranks its matches; its cursor is an offset into them, and no client pages deeper than this.
SEARCH_MAX_OFFSET = 500
# Ids are 64-bit integers: a larger one in an address names nothing (and would overflow the database's).
LARGEST_ID = 2**63 - 1


class Renderer(JSONRenderer):
    # Arabic as UTF-8 text (two bytes a letter), not \u escapes (six).
    json_dumps_params = {"ensure_ascii": False}


class AddressLimit(BaseThrottle):
    """Answers drawn per client address in each window (core/ratelimit.py, shared by every worker). Answers from the
    page cache are not counted: they are served before the API's code runs, cost what a cached page costs, and are
    what a crowd of apps asking the same thing should get."""

    def allow_request(self, request):
        return not over_limit(
            f"api:{client_ip(request)}", settings.NEWSROOM_API_RATE_PER_ADDRESS, settings.NEWSROOM_API_RATE_WINDOW
        )

    def wait(self):
        return settings.NEWSROOM_API_RATE_WINDOW


def _public(view):
    """Partners' pages in browsers may read the API (`Access-Control-Allow-Origin: *`): it sends no cookie and
    reads none, and answers only what anyone may see."""

    def answered(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return answered


class PublicApi(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        response["Access-Control-Allow-Origin"] = "*"
        return response


api = PublicApi(
    title="Newsroom API",
    version="1",
    description="Read-only: what readers may see on the site, in Arabic at /api/v1/ and in English at /en/api/v1/.",
    urls_namespace="api",
    renderer=Renderer(),
    throttle=[AddressLimit()],
    # ninja's docs page loads Swagger UI from a CDN: no third-party requests from this site.
    docs_url=None,
    docs_decorator=_public,
)


def _error(request, status, code, detail):
    return api.create_response(request, {"code": code, "detail": detail}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Nothing here: no such item, or none that readers may see."))


@api.exception_handler(ValidationError)
def bad_parameter(request, exc):
    names = sorted({str(error["loc"][-1]) for error in exc.errors if error.get("loc")})
    return _error(
        request,
        400,
        "bad_parameter",
        _("These parameters have values the API does not accept: %(names)s.") % {"names": ", ".join(names)},
    )


@api.exception_handler(BadCursor)
def bad_cursor(request, exc):
    return _error(request, 400, "bad_cursor", _("This cursor was not given by this list. Start from the first page."))


@api.exception_handler(Throttled)
def throttled(request, exc):
    return _error(request, 429, "rate_limited", _("Too many requests from your address. Wait a minute and try again."))


class BadSearch(ValueError):
    pass


@api.exception_handler(BadSearch)
def bad_search(request, exc):
    return _error(request, 400, "bad_query", str(exc))


ERRORS = {400: schemas.Error, 404: schemas.Error, 429: schemas.Error}


def unknown_address(request, address=""):
    """Any other address under the API's: a JSON 404 too, not the site's HTML page."""
    return not_found(request, Http404())


# Drawing


def _absolute(request, address):
    return request.build_absolute_uri(address)


# The site's own addresses inside a body (its photos' renditions, links to its pages) are written from the root;
# an app reading the API has no page to resolve them against.
_FROM_ROOT = re.compile(r'(\s(?:src|href)=")(/(?!/))')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')


def _absolute_addresses(request, html):
    """`html` with every address written from the site's root made absolute (src, href and each srcset entry)."""
    site = request.build_absolute_uri("/").rstrip("/")
    html = _FROM_ROOT.sub(lambda match: f"{match[1]}{site}{match[2]}", html)
    return _SRCSET.sub(
        lambda match: (
            match[1]
            + ", ".join(
                f"{site}{entry}" if entry.startswith("/") and not entry.startswith("//") else entry
                for entry in (part.strip() for part in match[2].split(","))
            )
            + match[3]
        ),
        html,
    )


def _photo(request, image):
    if image is None:
        return None
    return {
        "id": image.pk,
        "alt": image.alt or "",
        "caption": image.caption or "",
        "credit": image.credit or "",
        "width": image.width,
        "height": image.height,
        "renditions": [
            {"url": _absolute(request, r.file.url), "width": r.width, "height": r.height, "format": r.format}
            for r in sorted(image.renditions.all(), key=lambda r: (r.width, r.format))
        ],
    }


def _section(request, section):
    return {
        "id": section.pk,
        "name": section.name,
        "slug": section.slug,
        "url": _absolute(request, section.get_absolute_url()),
    }


def _tag(request, tag):
    return {"id": tag.pk, "name": tag.name, "slug": tag.slug, "url": _absolute(request, tag.get_absolute_url())}


def _byline(request, author):
    return {
        "id": author.pk,
        "name": author.name,
        "slug": author.slug,
        "url": _absolute(request, author.get_absolute_url()),
    }


def _author(request, author):
    return {
        **_byline(request, author),
        "role": author.role or "",
        "bio": author.bio or "",
        "photo": _photo(request, author.photo),
        "links": [{"kind": link.kind, "url": link.url} for link in author.links.all()],
    }


def _card(request, article):
    return {
        "id": article.pk,
        "headline": article.headline,
        "standfirst": article.standfirst or "",
        "url": _absolute(request, article.get_absolute_url()),
        "section": _section(request, article.section),
        "bylines": [_byline(request, author) for author in article.byline_authors()],
        "photo": _photo(request, article.featured_image),
        "published_at": article.published_at,
        "live": article.is_live,
    }


def _next(request, cursor):
    """The address of the next page: this one's, with `cursor` in place of its own."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return _absolute(request, f"{request.path}?{query.urlencode()}")


def _visible_articles():
    return Article.objects.published().translated(get_language())


def _visible_article(pk, queryset):
    """The article `pk` among `queryset`, or 404 (an id past the database's integers too)."""
    article = queryset.filter(pk=pk).first() if 0 < pk <= LARGEST_ID else None
    if article is None:
        raise Http404
    return article


# Endpoints


@api.get("/", response={200: schemas.Index, **ERRORS}, tags=["index"])
def index(request):
    """Where the OpenAPI document describing this API is."""
    return {"openapi": _absolute(request, f"{request.path}openapi.json")}


@api.get("/articles", response={200: schemas.ArticlePage, **ERRORS}, tags=["articles"])
def article_list(
    request,
    section: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    cursor: str | None = None,
    limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    """Articles readers may see in this language, newest first; `section`, `tag` and `author` (slugs) narrow it."""
    articles = _visible_articles().for_listing().with_card_photos()
    subjects = []
    if section is not None:
        subject = _by_slug(Section, section)
        subjects.append(page_tags.section_tag(subject.pk) if subject else None)
        articles = articles.filter(section=subject)
    if tag is not None:
        subject = _by_slug(Tag, tag)
        subjects.append(page_tags.tag_tag(subject.pk) if subject else None)
        articles = articles.filter(tags=subject)
    if author is not None:
        subject = _by_slug(Author, author)
        subjects.append(page_tags.author_tag(subject.pk) if subject else None)
        articles = articles.filter(bylines__author=subject)
    if None in subjects:
        raise Http404
    if cursor is not None:
        published_at, pk = cursor_read(cursor, "articles", (str, int))
        try:
            moment = Article._meta.get_field("published_at").to_python(published_at)
        except Exception as error:
            raise BadCursor(cursor) from error
        articles = articles.filter(published_at__lte=moment).exclude(published_at=moment, pk__gte=pk)
    page = list(articles.order_by("-published_at", "-id")[: limit + 1])
    shown = page[:limit]
    for subject in subjects:
        page_tags.show_list(subject, shown, with_photos=True)
    if not subjects:
        tag_page(page_tags.LATEST)
        page_tags.show_cards(shown, with_photos=True)
    last = shown[-1] if len(page) > limit else None
    return {
        "items": [_card(request, article) for article in shown],
        "next": _next(request, last and cursor_make("articles", last.published_at.isoformat(), last.pk)),
    }


def _by_slug(model, slug):
    """The section, tag or author of `slug`, or None. A slug holds no control character: one with a NUL, which
    PostgreSQL refuses in a query, is simply nobody's."""
    return model.objects.filter(slug=slug).first() if slug.isprintable() else None


@api.get("/articles/{int:pk}", response={200: schemas.Article, **ERRORS}, tags=["articles"])
def article_detail(request, pk: int):
    """One article as its page shows it: the body sanitised, with its photos drawn from their renditions."""
    article = _visible_article(pk, _visible_articles().for_page())
    attach_page_parts(article)
    page_tags.show_article(article, [])
    return {
        **_card(request, article),
        # Not on cards: an edit of the body alone purges the article's own answer, not the lists that show it.
        "updated_at": article.updated_at,
        "dateline": article.dateline or "",
        "body": _absolute_addresses(request, str(article_body(article.body, article.inline_photos))),
        "tags": [_tag(request, tag) for tag in article.tags.all()],
        "corrections": [
            {"kind": note.kind, "text": note.text, "published_at": note.published_at}
            for note in article.corrections.all()
            if note.text
        ],
        "languages": [code for code, _name in settings.LANGUAGES if article.is_translated(code)],
    }


@api.get("/sections", response={200: schemas.SectionList, **ERRORS}, tags=["sections, tags and authors"])
def section_list(request):
    """Every section, in the masthead's order."""
    # A section added, renamed or removed purges every page (the masthead's menu): this one too.
    return {"items": [_section(request, section) for section in Section.objects.all()]}


@api.get("/tags", response={200: schemas.TagPage, **ERRORS}, tags=["sections, tags and authors"])
def tag_list(request, cursor: str | None = None, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    """Every tag, oldest first."""
    tags = Tag.objects.order_by("id")
    if cursor is not None:
        (after,) = cursor_read(cursor, "tags", (int,))
        tags = tags.filter(pk__gt=after)
    page = list(tags[: limit + 1])
    shown = page[:limit]
    # A tag added, renamed or removed purges the sitemap, which lists every tag.
    tag_page(page_tags.SITEMAPS, *(page_tags.tag_tag(tag.pk) for tag in shown))
    return {
        "items": [_tag(request, tag) for tag in shown],
        "next": _next(request, cursor_make("tags", shown[-1].pk) if len(page) > limit else None),
    }


@api.get("/authors", response={200: schemas.AuthorPage, **ERRORS}, tags=["sections, tags and authors"])
def author_list(request, cursor: str | None = None, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    """Every author, oldest first, with their photo and links."""
    authors = Author.objects.select_related("photo").prefetch_related("photo__renditions", "links").order_by("id")
    if cursor is not None:
        (after,) = cursor_read(cursor, "authors", (int,))
        authors = authors.filter(pk__gt=after)
    page = list(authors[: limit + 1])
    shown = page[:limit]
    tag_page(
        page_tags.SITEMAPS,
        *(page_tags.author_tag(author.pk) for author in shown),
        *(page_tags.photo_tag(author.photo_id) for author in shown if author.photo_id),
    )
    return {
        "items": [_author(request, author) for author in shown],
        "next": _next(request, cursor_make("authors", shown[-1].pk) if len(page) > limit else None),
    }


@api.get("/search", response={200: schemas.ArticlePage, **ERRORS}, tags=["articles"])
def search(request, q: str = "", cursor: str | None = None, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    """Articles matching every word of `q` in any Arabic spelling, best first (the site's own search). No `q`, or
    a blank one, finds nothing (as the search page answers it); one with no words in it is refused."""
    if len(q) > SEARCH_MAX_LENGTH:
        raise BadSearch(_("The search is too long: at most %(limit)d characters.") % {"limit": SEARCH_MAX_LENGTH})
    query = " ".join(q.split())
    if not query:
        return {"items": [], "next": None}
    if not search_terms(query):
        raise BadSearch(_("Type a word or more to search for."))
    offset = 0
    if cursor is not None:
        (offset,) = cursor_read(cursor, "search", (int,))
        if not 0 < offset <= SEARCH_MAX_OFFSET:
            raise BadCursor(cursor)
    page = list(_visible_articles().for_listing().with_card_photos().search(query)[offset : offset + limit + 1])
    shown = page[:limit]
    tag_page(page_tags.SEARCH)
    page_tags.show_cards(shown, with_photos=True)
    further = offset + limit if len(page) > limit and offset + limit <= SEARCH_MAX_OFFSET else None
    return {
        "items": [_card(request, article) for article in shown],
        "next": _next(request, further and cursor_make("search", further)),
    }


@api.get("/articles/{int:pk}/live", response={200: schemas.LiveEntryPage, **ERRORS}, tags=["live coverage"])
def live_entries(request, pk: int, cursor: str | None = None, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    """A live page's entries, newest first (a withdrawn entry keeps its place, without its content)."""
    article = _visible_article(pk, _visible_articles().only("pk", "live_started_at", "live_ended_at"))
    if not article.has_live_coverage:
        raise Http404
    entries = (
        LiveEntry.objects.filter(article=article, status__in=SHOWN_STATUSES, sequence__isnull=False)
        .select_related("photo")
        .prefetch_related("photo__renditions")
        .order_by("-sequence")
    )
    if cursor is not None:
        (before,) = cursor_read(cursor, f"live-{pk}", (int,))
        entries = entries.filter(sequence__lt=before)
    page = list(entries[: limit + 1])
    shown = page[:limit]
    tag_page(
        page_tags.article_tag(pk),
        page_tags.article_page_tag(pk),
        live_tag(pk),
        *(page_tags.photo_tag(entry.photo_id) for entry in shown if entry.photo_id),
    )
    return {
        "article": pk,
        "live": article.is_live,
        "items": [_entry(request, entry) for entry in shown],
        "next": _next(request, cursor_make(f"live-{pk}", shown[-1].sequence) if len(page) > limit else None),
    }


def _entry(request, entry):
    withdrawn = not entry.is_published()
    return {
        "id": entry.pk,
        "sequence": entry.sequence,
        "url": _absolute(request, entry.get_absolute_url()),
        "withdrawn": withdrawn,
        "language": entry.language,
        "title": "" if withdrawn else entry.title,
        "body": "" if withdrawn or not entry.body else clean_body(entry.body),
        "quote": "" if withdrawn else entry.quote,
        "quote_by": "" if withdrawn else entry.quote_by,
        "photo": None if withdrawn else _photo(request, entry.photo),
        "key_point": entry.key_point and not withdrawn,
        "pinned": entry.pinned and not withdrawn,
        "published_at": entry.published_at,
        "corrected_at": entry.corrected_at,
        "correction": entry.correction,
    }


@api.get("/alert", response={200: schemas.CurrentAlert, **ERRORS}, tags=["live coverage"])
def alert(request):
    """The urgent alert («عاجل») showing now in this language, or null."""
    tag_page(ALERT_TAG)
    shown = current_alert(get_language())
    if shown is None:
        return {"alert": None}
    url = None
    if shown.article is not None:
        article_pk, slug = shown.article
        url = _absolute(request, cached_reverse("articles:article_detail", kwargs={"pk": article_pk, "slug": slug}))
    return {
        "alert": {
            "id": shown.pk,
            "text": shown.text(get_language()),
            "url": url,
            "expires_at": datetime.fromtimestamp(shown.expires, tz=UTC),
        }
    }
