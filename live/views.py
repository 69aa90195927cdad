"""A live page's machine-facing answers: the poll answer its readers' pages ask for (one address per page and
language, the same for every reader, cached like a page), an entry's permalink and the page's feed."""

from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import get_template
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language

from articles.models import Article
from articles.page_tags import article_page_tag, article_tag
from articles.sanitize import clean_body
from core.pagecache import tag_page

from .models import LiveEntry
from .page_tags import live_tag
from .templating import SHOWN_STATUSES, LivePage, poll_seconds

FEED_LENGTH = 50
INTERVAL_HEADER = "X-Poll-Interval"


def _live_article(pk):
    """The live page's article, as readers may see it; what is drawn from it shows its headline and whether it is
    still published, so it is purged with the article's own page."""
    article = get_object_or_404(Article.objects.published().translated(get_language()).for_page(), pk=pk)
    if not article.has_live_coverage:
        raise Http404
    tag_page(article_tag(pk), article_page_tag(pk))
    return article


def poll(request, pk):
    """
    What a reader's live page asks for every few seconds: the newest entries (each drawn as on the page, with its
    version, so a corrected or withdrawn one is replaced where it stands), the key points and pinned entry, and how
    many seconds to wait before asking again (0: stop; coverage has ended or the desk has stopped polling).

    The address has no reader's state in it, so one cached answer (or a 304) serves every reader of the page; a new
    entry purges it (live/page_tags.py).
    """
    article = _live_article(pk)
    page = LivePage(article)
    interval = poll_seconds() if article.is_live else 0
    entry_template = get_template("live/entry.html")
    context = {"request": request}
    data = {
        "interval": interval,
        "ended": not article.is_live,
        "entries": [
            {
                "id": entry.pk,
                "sequence": entry.sequence,
                "version": entry.version,
                "html": entry_template.render({**context, "entry": entry}, request).strip(),
            }
            for entry in page.entries
        ],
        "highlights": get_template("live/highlights.html").render({**context, "live": page}, request).strip(),
        "status": get_template("live/status.html").render({**context, "article": article}, request).strip(),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response[INTERVAL_HEADER] = str(interval)
    return response


def entry_permalink(request, pk):
    """An entry's lasting address: the part of its page that holds it, at the entry."""
    entry = get_object_or_404(
        LiveEntry.objects.filter(status__in=SHOWN_STATUSES, sequence__isnull=False).only("pk", "sequence", "article"),
        pk=pk,
    )
    article = _live_article(entry.article_id)
    return redirect(f"{article.get_absolute_url()}?part={entry.part}#{entry.anchor}")


class LiveEntriesFeed(Feed):
    """A live page's entries, newest first."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, pk):
        return _live_article(pk)

    def title(self, article):
        return article.headline

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return article.standfirst or article.headline

    def items(self, article):
        tag_page(live_tag(article.pk))
        return list(LiveEntry.objects.published().filter(article=article).order_by("-sequence")[:FEED_LENGTH])

    def item_title(self, entry):
        return entry.title or Truncator(strip_tags(entry.body) or entry.quote).words(12)

    def item_description(self, entry):
        return clean_body(entry.body) if entry.body else entry.quote

    def item_link(self, entry):
        return entry.get_absolute_url()

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.corrected_at or entry.published_at

    @property
    def language(self):
        return get_language()
