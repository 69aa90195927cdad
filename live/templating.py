"""What the reader templates (Jinja2, newsroom/templating.py) get from the live app: the urgent bar on every page,
and a live page's coverage (entries, key points, the pinned entry, paging, the poll address) and its JSON-LD."""

import json

from django.db import DatabaseError
from django.db.models import Max, Q, prefetch_related_objects
from django.http import Http404
from django.utils.html import strip_tags
from django.utils.translation import get_language
from jinja2 import pass_context
from markupsafe import Markup

from articles.page_tags import photo_tag
from articles.templating import JSON_IN_HTML, article_json_ld_data
from core.addresses import cached_reverse
from core.pagecache import tag_page

from .alerts import ALERT_TAG, current_alert
from .models import ENTRIES_PER_PART, EntryStatus, LiveEntry, LiveSettings, part_of
from .page_tags import LIVE_SETTINGS, live_tag

SHOWN_STATUSES = (EntryStatus.PUBLISHED, EntryStatus.WITHDRAWN)


@pass_context
def urgent_bar(context):
    """The urgent alert at the top of the page, or nothing; no query when the shared cache holds the alerts."""
    tag_page(ALERT_TAG)
    try:
        alert = current_alert(get_language())
    except DatabaseError:
        alert = None  # the page that says the database is down says nothing urgent
    if alert is None:
        return ""
    url = None
    if alert.article is not None:
        pk, slug = alert.article
        url = cached_reverse("articles:article_detail", kwargs={"pk": pk, "slug": slug})
    template = context.environment.get_template("live/urgent_bar.html")
    return Markup(template.render({"text": alert.text(get_language()), "url": url}))  # noqa: S704 - autoescaped


def poll_seconds():
    """How long readers' pages wait between two polls (0: they do not poll)."""
    tag_page(LIVE_SETTINGS)
    return LiveSettings.current().poll_seconds


class LivePage:
    """What a live page shows of its coverage: the entries of one part (the newest, by default), the key points,
    the pinned entry, the links to older and newer parts. Loaded once per page (head and body both read it)."""

    def __init__(self, article, part=None, *, preview=False):
        self.article = article
        self.part = part
        self.preview = preview
        # Withdrawn entries keep their place (a notice says so), unless they never had one (withdrawn unseen).
        entries = (
            LiveEntry.objects.filter(article=article, status__in=SHOWN_STATUSES, sequence__isnull=False)
            .select_related("photo")
            .order_by("-sequence")
        )
        if part is None:
            self.entries = list(entries[:ENTRIES_PER_PART])
        else:
            first = (part - 1) * ENTRIES_PER_PART + 1
            self.entries = list(entries.filter(sequence__gte=first, sequence__lt=first + ENTRIES_PER_PART))
            if not self.entries:
                raise Http404
        self.highlights = list(
            LiveEntry.objects.published()
            .filter(Q(pinned=True) | Q(key_point=True), article=article)
            .select_related("photo")
            .order_by("sequence")
        )
        prefetch_related_objects([*self.entries, *self.highlights], "photo__renditions")
        self.pinned = next((entry for entry in self.highlights if entry.pinned), None)
        self.key_points = [entry for entry in self.highlights if entry.key_point]
        oldest = self.entries[-1].sequence if self.entries else None
        self.older_part = part_of(oldest - 1) if oldest and oldest > 1 else None
        self.newer_part = None
        if part is not None:
            highest = LiveEntry.objects.filter(article=article).aggregate(highest=Max("sequence"))["highest"]
            # The newest part is the page itself, without a part.
            self.newer_part = part + 1 if highest and part_of(highest) > part + 1 else 0
        tag_page(live_tag(article.pk))
        tag_page(*(photo_tag(entry.photo_id) for entry in [*self.entries, *self.highlights] if entry.photo_id))

    def address(self, entry):
        """Where a link to `entry` leads: its place on this page if shown here, else its permalink."""
        shown = any(other.pk == entry.pk for other in self.entries)
        return f"#{entry.anchor}" if shown else entry.get_absolute_url()

    @property
    def polls(self):
        """Whether the page asks for new entries: the newest part of coverage still going on."""
        return self.article.is_live and self.part is None and not self.preview


def _part(request):
    raw = request.GET.get("part")
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 100_000:
        raise Http404
    return int(raw)


@pass_context
def live_page(context, article):
    """The article's LivePage, loaded on first use (None for an article never covered live)."""
    if not article.has_live_coverage:
        return None
    if getattr(article, "_live_page", None) is None:
        article._live_page = LivePage(article, _part(context["request"]), preview=bool(context.get("preview")))
    return article._live_page


@pass_context
def live_json_ld(context, article):
    """schema.org LiveBlogPosting: the article as NewsArticle describes it, with the coverage's times and the
    entries this page shows as `liveBlogUpdate`."""
    page = live_page(context, article)
    request = context["request"]
    data = article_json_ld_data(context, article)
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = article.live_started_at.isoformat()
    if article.live_ended_at:
        data["coverageEndTime"] = article.live_ended_at.isoformat()
    page_url = request.build_absolute_uri(article.get_absolute_url())
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": (entry.title or strip_tags(entry.body) or entry.quote)[:110],
            "articleBody": " ".join(strip_tags(entry.body).split()) or entry.quote,
            "datePublished": entry.published_at.isoformat(),
            "dateModified": (entry.corrected_at or entry.published_at).isoformat(),
            "url": f"{page_url}#{entry.anchor}",
            "inLanguage": entry.language,
        }
        for entry in page.entries
        if entry.status == EntryStatus.PUBLISHED
    ]
    text = json.dumps(data, ensure_ascii=False).translate(JSON_IN_HTML)
    return Markup(f'<script type="application/ld+json">{text}</script>')  # noqa: S704 - escaped JSON


@pass_context
def live_coverage(context, article):
    """The live block of the article page."""
    page = live_page(context, article)
    template = context.environment.get_template("live/coverage.html")
    return Markup(  # noqa: S704 - an autoescaping template's output
        template.render({**context.get_all(), "live": page, "interval": poll_seconds() if page.polls else 0})
    )


# How many of a live page's latest entries the front page shows.
SUMMARY_ENTRIES = 3


@pass_context
def live_summary(context, article):
    """A live page's latest few entries, for the front page: each its time and first words, linking to it."""
    tag_page(live_tag(article.pk))
    entries = list(LiveEntry.objects.published().filter(article=article).order_by("-sequence")[:SUMMARY_ENTRIES])
    if not entries:
        return ""
    template = context.environment.get_template("live/summary.html")
    return Markup(template.render({"entries": entries}))  # noqa: S704 - an autoescaping template's output


GLOBALS = {
    "urgent_bar": urgent_bar,
    "live_page": live_page,
    "live_json_ld": live_json_ld,
    "live_coverage": live_coverage,
    "live_summary": live_summary,
}
FILTERS = {}
