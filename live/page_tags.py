"""The page-cache tags of live coverage (articles/page_tags.py has the articles' own):
- `live-<article id>`: a live page's entries, key points and coverage times: its page, its poll answer, its feed;
- LIVE_SETTINGS: the live desk's settings (how often pages ask): every live page and poll answer;
- live.alerts.ALERT_TAG: the urgent bar, on every reader page."""

from articles import page_tags as articles_tags
from core.pagecache import pages_purge_on_commit

LIVE_SETTINGS = "live-settings"


def live_tag(article_pk):
    return f"live-{article_pk}"


def entries_changed(article_pk):
    """An entry shown, corrected, pinned or withdrawn: that page and its poll answer and feed; its card (the
    «مباشر» marker says when it was last updated) wherever shown, the front page included; the sitemaps' last
    change."""
    pages_purge_on_commit({live_tag(article_pk), articles_tags.article_tag(article_pk), articles_tags.SITEMAPS})


def coverage_changed(article_pk):
    """Coverage started or ended: the page, its card everywhere, its poll answer (which then says to stop)."""
    pages_purge_on_commit(
        {
            live_tag(article_pk),
            articles_tags.article_tag(article_pk),
            articles_tags.article_page_tag(article_pk),
            articles_tags.SITEMAPS,
        }
    )


def settings_changed():
    pages_purge_on_commit({LIVE_SETTINGS})
