"""
What the reader site's pages show, as the page cache's tags, and which tags each kind of change purges: both rules
live here, once. core/pagecache.py keeps the tags and their versions and never knows what they mean.

The tags (one tag covers a page in Arabic and in English):
- `article-<id>`: what the article's card shows (headline, standfirst, byline, date, section), in any list and in
  «قد يعجبك أيضاً», and on its own page;
- `article-<id>-page`: what only its own page (and its feed entries) shows: the body, its tags;
- `corrections-<id>`: its corrections and updates (its page only);
- `section-<id>`, `tag-<id>`, `author-<id>`: that thing's name and what its page says of it;
- `section-<id>-list`, `tag-<id>-list`, `author-<id>-list`: which articles it has, newest first: its page and feed,
  the front page's blocks, and «قد يعجبك أيضاً» on the pages of the articles in it (drawn from the newest of their
  section and tags: articles.loading.related_articles);
- `photo-<id>`: a photo (its renditions, alt text, caption, credit);
- `latest`: the newest articles of the whole site (the front page, the main feed);
- `front-home`, `front-section-<id>`: the editors' arrangement of the home page, of a section's page
  (articles/fronts.py);
- `sitemaps`: the sitemap (every address and its last change; the news sitemap shows its articles' cards);
- `search`: search results (an article changed may come to match a query, or stop);
- `article-<id>-headline`: what the «الأكثر قراءة» box shows of it: its headline, while readers may see it (narrower
  than `article-<id>`, which a live story's every entry purges: the box is on every article page);
- `most-read`: the rankings of that box (articles/reads.py purges it when a refresh changes them);
- comments_tag (`comments-<id>`, the article's approved comments) is drawn by the comments app.
Every page also has core.pagecache.SITE_TAG: what every page shows (the section menu, the cookie banner's policy)
is purged with it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from core.pagecache import (
    SITE_TAG,
    pages_purge_on_commit,
    pages_schedule_changed,
    tag_page,
)

from .inline_photos import photo_ids

LATEST = "latest"
SITEMAPS = "sitemaps"
SEARCH = "search"
MOST_READ = "most-read"


def article_tag(pk):
    return f"article-{pk}"


def article_page_tag(pk):
    return f"article-{pk}-page"


def article_headline_tag(pk):
    return f"article-{pk}-headline"


def corrections_tag(pk):
    return f"corrections-{pk}"


def comments_tag(pk):
    return f"comments-{pk}"


def section_tag(pk):
    return f"section-{pk}"


def tag_tag(pk):
    return f"tag-{pk}"


def author_tag(pk):
    return f"author-{pk}"


def photo_tag(pk):
    return f"photo-{pk}"


def front_tag(section_id):
    """The arrangement of the home page (`section_id` None) or of a section's page."""
    return "front-home" if section_id is None else f"front-section-{section_id}"


def list_tag(subject_tag):
    """`section-3` → `section-3-list`: which articles it has."""
    return f"{subject_tag}-list"


# What pages show. Each view says what it draws; the cards of a list say what each card shows.


def card_tags(articles, *, with_photos=False):
    """A list's cards: each article, its section's name, its byline's names (prefetched by `for_listing()`), and
    `with_photos`, its photo (a page's cards show it; a feed's items and the related stories do not)."""
    tags = set()
    for article in articles:
        tags.update((article_tag(article.pk), section_tag(article.section_id)))
        if with_photos and article.featured_image_id:
            tags.add(photo_tag(article.featured_image_id))  # a replaced or redescribed photo changes the card
        if "bylines" in getattr(article, "_prefetched_objects_cache", {}):
            tags.update(author_tag(byline.author_id) for byline in article.bylines.all())
    return tags


def show_cards(articles, *, with_photos=False):
    tag_page(*card_tags(articles, with_photos=with_photos))


def show_list(subject_tag, articles, *, with_photos=False):
    """A page (`with_photos`: its cards show them) or feed of one section's, tag's or author's articles."""
    tag_page(subject_tag, list_tag(subject_tag), *card_tags(articles, with_photos=with_photos))


def show_front_page(articles, sections):
    """The front page: the newest articles as cards with their photos, and the newest few of each section."""
    sections_shown = (list_tag(section_tag(section.pk)) for section in sections)
    tag_page(LATEST, *sections_shown, *card_tags(articles, with_photos=True))


def show_front(section, articles, arranged_ids):
    """A page of the home page's list (`section` None) or of a section's, whose top is arranged: its arrangement,
    the newest articles the top's empty slots take, every article the arrangement names (shown or not yet), and the
    cards of the `articles` its top shows (the first page)."""
    newest = LATEST if section is None else list_tag(section_tag(section.pk))
    tag_page(
        front_tag(section.pk if section else None),
        newest,
        *(article_tag(pk) for pk in arranged_ids),
        *card_tags(articles, with_photos=True),
    )


def show_most_read(articles):
    """The «الأكثر قراءة» box: its rankings, and each article's headline (tagged even when empty: the next refresh
    may fill it)."""
    tag_page(MOST_READ, *(article_headline_tag(article.pk) for article in articles))


def show_article(article, related):
    """An article's page, its parts attached (articles.loading.attach_page_parts), and its related cards."""
    bodies = (getattr(article, f"body_{code}") for code, _name in settings.LANGUAGES)
    shown_photos = {*photo_ids(*bodies), *filter(None, [article.featured_image_id])}
    tag_ids = [tag.pk for tag in article.tags.all()]
    tag_page(
        article_tag(article.pk),
        article_page_tag(article.pk),
        corrections_tag(article.pk),
        section_tag(article.section_id),
        list_tag(section_tag(article.section_id)),
        *(tag_tag(pk) for pk in tag_ids),
        *(list_tag(tag_tag(pk)) for pk in tag_ids),
        *(author_tag(byline.author_id) for byline in article.bylines.all()),
        *(photo_tag(pk) for pk in shown_photos),
        *card_tags(related),
    )


# What changes purge. Signal handlers (articles/signal_handlers.py) and the workflow (articles/services/articles.py)
# call these; each purges once the change commits.


# What an article's card shows besides its byline (ArticleAuthor) and section, in each language.
CARD_FIELDS = ("headline", "standfirst")


@dataclass(frozen=True)
class Listing:
    """Where readers find an article at one moment (whether it shows, in which languages, in which section, from
    when), and what its card shows."""

    visible: bool
    languages: frozenset
    section_id: int | None
    published_at: datetime | None
    card: tuple = ()
    headlines: tuple = ()

    @classmethod
    def of(cls, article, now=None):
        now = now or timezone.now()
        return cls(
            visible=article.is_visible(now),
            languages=frozenset(code for code, _name in settings.LANGUAGES if article.is_translated(code)),
            section_id=article.section_id,
            published_at=article.published_at,
            card=(
                *(getattr(article, f"{name}_{code}") for code, _name in settings.LANGUAGES for name in CARD_FIELDS),
                article.featured_image_id,
                article.live_started_at,
                article.live_ended_at,
                # A live story's card says when it was last updated.
                article.updated_at if article.is_live else None,
            ),
            headlines=tuple(getattr(article, f"headline_{code}") for code, _name in settings.LANGUAGES),
        )

    @classmethod
    def stored(cls, pk, now=None):
        """The listing of the article as the database holds it now (None if it holds none)."""
        from .models import Article

        fields = ["status", "published_at", "section_id", "featured_image_id", "live_started_at", "live_ended_at",
                  "updated_at"]  # fmt: skip
        names = ("headline", "body", *CARD_FIELDS)
        fields += [f"{name}_{code}" for code, _name in settings.LANGUAGES for name in dict.fromkeys(names)]
        article = Article.objects.filter(pk=pk).only(*fields).first()
        return cls.of(article, now) if article is not None else None

    def lists(self):
        """What decides which lists show the article."""
        return (self.visible, self.languages, self.section_id, self.published_at)


def _listing_tags(pk, section_ids):
    """Every list an article is on: its section's (each of `section_ids`), its tags', its authors', the newest."""
    from .models import ArticleAuthor, TaggedArticle

    tag_ids = TaggedArticle.objects.filter(content_object_id=pk).values_list("tag_id", flat=True)
    author_ids = ArticleAuthor.objects.filter(article_id=pk).values_list("author_id", flat=True)
    return {
        LATEST,
        *(list_tag(section_tag(section_id)) for section_id in section_ids if section_id),
        *(list_tag(tag_tag(tag_id)) for tag_id in tag_ids),
        *(list_tag(author_tag(author_id)) for author_id in author_ids),
    }


def article_changed(pk, before, after):
    """An article was saved, moved in the workflow or deleted: `before` and `after` are its Listing (None when it
    did not or does not exist). An article readers could not see and still cannot changes no page; one whose lists
    stay the same changes its own page and cards, the sitemaps and search; one that appears, disappears or moves
    changes every list it was or is on too."""
    if (before and before.published_at) != (after and after.published_at) or before is None or after is None:
        pages_schedule_changed_on_commit()
    if not (before and before.visible) and not (after and after.visible):
        return
    tags = {article_page_tag(pk), SITEMAPS, SEARCH}
    if before is None or after is None or before.card != after.card:
        tags.add(article_tag(pk))
    if (before and before.lists()) != (after and after.lists()):
        tags |= {article_tag(pk), *_listing_tags(pk, {listing.section_id for listing in (before, after) if listing})}
    if before is None or after is None or (before.headlines, before.lists()) != (after.headlines, after.lists()):
        tags.add(article_headline_tag(pk))  # the most-read box: what it shows of the article, or whether it may
    pages_purge_on_commit(tags)


def article_workflow_step(article, before):
    """A status step (articles/services/articles.py moves the status with an UPDATE, not a save)."""
    pages_schedule_changed_on_commit()
    article_changed(article.pk, before, Listing.stored(article.pk))


def byline_changed(byline):
    """A byline added or removed: the article's page and cards, and the author's list."""
    if _shown(byline.article_id):
        pages_purge_on_commit({article_tag(byline.article_id), list_tag(author_tag(byline.author_id)), SEARCH})


def article_tags_changed(article_pk, tag_ids):
    """Tags added to or removed from an article."""
    if _shown(article_pk):
        pages_purge_on_commit({article_page_tag(article_pk), SEARCH, *(list_tag(tag_tag(pk)) for pk in tag_ids)})


def correction_changed(correction):
    if _shown(correction.article_id):
        pages_purge_on_commit({corrections_tag(correction.article_id)})


def subject_changed(subject_tag):
    """A tag's or an author's name, slug, description, photo or links: wherever shown, and its address."""
    pages_purge_on_commit({subject_tag, SITEMAPS, SEARCH})


def section_changed():
    """A section added, renamed or removed: every page's section menu."""
    pages_purge_on_commit({SITE_TAG})


def photo_changed(pk):
    """A photo's text or renditions."""
    pages_purge_on_commit({photo_tag(pk)})


def arrangement_changed(section_ids):
    """An arrangement was made, changed or removed: the pages that showed it or show it now (`section_ids`; None is
    the home page). One that takes effect later changes no page yet: the page cache waits for its time."""
    pages_schedule_changed_on_commit()
    pages_purge_on_commit({front_tag(section_id) for section_id in section_ids})


def arrangements_came_due(since, until):
    """The pages whose scheduled arrangements took effect between two POSIX times (the page cache asks)."""
    from .models import Arrangement

    start, end = (datetime.fromtimestamp(moment, tz=UTC) for moment in (since, until))
    due = Arrangement.objects.filter(takes_effect_at__gte=start, takes_effect_at__lte=end)
    return {front_tag(section_id) for section_id in due.values_list("section_id", flat=True)}


def came_due(since, until):
    """The tags to purge once scheduled articles come due between two POSIX times (the page cache asks)."""
    from .models import Article

    start, end = (datetime.fromtimestamp(moment, tz=UTC) for moment in (since, until))
    due = Article.objects.published(end).filter(published_at__gte=start).values_list("pk", "section_id")
    tags = set()
    for pk, section_id in due:
        tags |= {article_tag(pk), SITEMAPS, SEARCH, *_listing_tags(pk, {section_id})}
    return tags


def pages_schedule_changed_on_commit():
    """Read the next scheduled time now (this transaction sees its own change) and once it commits."""
    from django.db import transaction

    pages_schedule_changed()
    transaction.on_commit(pages_schedule_changed)


def _shown(article_pk):
    """Whether readers can see the article now (a part of a draft changes no page)."""
    from .models import Article

    return Article.objects.published().filter(pk=article_pk).exists()
