"""
Most read («الأكثر قراءة»): what readers read most in the last 24 hours and the last 7 days, from the hourly counts
of article pages served (ArticleReads; counted by core/reads.py, stored by articles/services/reads.py).

Every article page shows the box, so it must not draw them all again at every read. The rankings (the ids, most
read first, per language and window) are kept in the shared cache, and pages are drawn from what is kept, so every
page stored shows the kept rankings. They are worked out again at most every NEWSROOM_MOST_READ_REFRESH_SECONDS,
off any reader's request (`most_read_refresh()`: from core/reads.py's flushing thread in each web worker, and from
the publish_scheduled cron, one process per period), and the pages carrying MOST_READ are purged only if a ranking
changed. Between two refreshes, what changes the box's line for an article (a new headline, the article withdrawn)
purges its pages through that article's `article-<id>-headline`, which the box gives them. So the box costs a page
drawn one query (the articles shown) and none when nothing was read; the counts themselves are read by a page only
when the kept rankings are missing (the cache emptied) or older than two periods (nothing refreshed them).
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.pagecache import pages_purge

from . import page_tags
from .models import Article, ArticleReads

logger = logging.getLogger(__name__)

# What an article page's reads are counted as (core.pagecache.count_read).
READ_KIND = "article"
# How many articles each list shows.
MOST_READ_COUNT = 5
# The windows, their keys in the kept rankings and their headings.
WINDOWS = {"day": timedelta(hours=24), "week": timedelta(days=7)}
HEADINGS = {"day": _("Last 24 hours"), "week": _("Last 7 days")}
RANKING_KEY = "articles:most-read:"
# Present for a refresh period after each refresh (most_read_refresh()).
REFRESHED_KEY = "articles:most-read:refreshed"
# How many days the article form's table of reads goes back.
READS_TABLE_DAYS = 30


@dataclass(frozen=True)
class MostReadList:
    """One list of the box: its window's key (`day`, `week`), its heading, its articles most read first."""

    key: str
    heading: str
    articles: list


def _ranking_key(language):
    return RANKING_KEY + language


def ranking(language, now=None):
    """The rankings of `language` now: for each window, the ids of the MOST_READ_COUNT articles readers of that
    language may see that were read most in it, most read first (one query per window)."""
    now = now or timezone.now()
    visible = Article.objects.published(now).translated(language)
    return {
        "at": time.time(),
        **{
            key: list(visible.most_read(now - window, limit=MOST_READ_COUNT).values_list("pk", flat=True))
            for key, window in WINDOWS.items()
        },
    }


def _shown_part(kept):
    return {key: kept.get(key) for key in WINDOWS}


def _kept_ranking(language):
    """The rankings pages are drawn from: those kept in the shared cache; worked out now (and kept) when there are
    none, or when they are older than two refresh periods (nothing refreshed them: the page cache is off)."""
    try:
        kept = cache.get(_ranking_key(language))
    except Exception:
        logger.warning("Most-read rankings read from the database: the cache is unavailable", exc_info=True)
        return ranking(language)
    if kept is not None and time.time() - kept.get("at", 0) < 2 * settings.NEWSROOM_MOST_READ_REFRESH_SECONDS:
        return kept
    fresh = ranking(language)
    try:
        cache.set(_ranking_key(language), fresh, timeout=None)
    except Exception:  # noqa: BLE001, S110 - logged above when unreachable; the page is drawn all the same
        pass
    return fresh


def most_read_lists(language):
    """What the box («الأكثر قراءة», the `most_read` macro of templates/articles/macros.html) shows on a page in
    `language`: its non-empty lists (MostReadList), none when nothing has been read yet; and the page is tagged for
    it (MOST_READ, and each shown article's headline). One query when something was read, none otherwise (the kept
    rankings present)."""
    kept = _kept_ranking(language)
    ids = {pk for key in WINDOWS for pk in kept.get(key, ())}
    articles = {}
    if ids:
        # Read again with the rules of the page, so an article unpublished since the ranking leaves the box at once.
        cards = ("pk", "slug", "published_at", *(f"headline_{code}" for code, _name in settings.LANGUAGES))
        articles = {
            article.pk: article
            for article in Article.objects.published().translated(language).filter(pk__in=ids).only(*cards)
        }
    lists = [
        MostReadList(key=key, heading=HEADINGS[key], articles=[articles[pk] for pk in kept[key] if pk in articles])
        for key in WINDOWS
    ]
    page_tags.show_most_read(articles.values())
    return [shown for shown in lists if shown.articles]


def most_read_remember():
    """Work out every language's rankings again and keep them in the shared cache (two queries per language):
    whether one changed, or was not kept (pages may then show rankings older than any kept)."""
    changed = False
    for code, _name in settings.LANGUAGES:
        fresh = ranking(code)
        kept = cache.get(_ranking_key(code))
        cache.set(_ranking_key(code), fresh, timeout=None)
        changed = changed or kept is None or _shown_part(kept) != _shown_part(fresh)
    return changed


def most_read_refresh():
    """Work the rankings out again if the period has passed, off any reader's request: core/reads.py's flushing
    thread asks after each flush, and `manage.py publish_scheduled` (cron) every minute. The first process to ask in
    each NEWSROOM_MOST_READ_REFRESH_SECONDS adds a marker with that lifetime to the shared cache and does the work;
    the others find it and do nothing. The pages that show the box are purged only if a ranking changed. Returns
    whether this call did the work."""
    if not cache.add(REFRESHED_KEY, time.time(), timeout=settings.NEWSROOM_MOST_READ_REFRESH_SECONDS):
        return False
    if most_read_remember():
        pages_purge({page_tags.MOST_READ})
    return True


def desk_most_read(now=None):
    """For the desk's home: the published articles read most in each window, each with its `read_count`, as
    (heading, articles) pairs; one query per window. Every language together: the desk counts all readers."""
    now = now or timezone.now()
    cards = ("pk", "slug", "published_at", *(f"headline_{code}" for code, _name in settings.LANGUAGES))
    visible = Article.objects.published(now).only(*cards)
    return [
        (HEADINGS[key], list(visible.most_read(now - window, limit=MOST_READ_COUNT))) for key, window in WINDOWS.items()
    ]


@dataclass(frozen=True)
class DailyReads:
    """An article's reads per day: (date, reads) pairs, today first, and their total and largest day."""

    days: list
    total: int
    peak: int


def reads_per_day(article, *, days=READS_TABLE_DAYS, now=None):
    """The article's reads on each of the last `days` days in the newsroom's time zone (DailyReads, days without
    reads included): one query. The hours are UTC: in a zone whose offset is not whole hours (not the newsroom's,
    Asia/Damascus), an hour straddling midnight would count wholly on the day it starts."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now or timezone.now(), zone)
    first = today - timedelta(days=days - 1)
    per_day = dict(
        ArticleReads.objects.filter(article=article, hour__gte=datetime.combine(first, datetime.min.time(), zone))
        .annotate(day=TruncDate("hour", tzinfo=zone))
        .values("day")
        .annotate(total=Sum("reads"))
        .values_list("day", "total")
        .order_by()
    )
    rows = [(first + timedelta(days=offset), per_day.get(first + timedelta(days=offset), 0))
            for offset in reversed(range(days))]  # fmt: skip
    return DailyReads(days=rows, total=sum(per_day.values()), peak=max(per_day.values(), default=0))
