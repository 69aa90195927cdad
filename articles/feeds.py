"""RSS feeds: the whole site, and each section, tag and author, in the language of the URL."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import page_tags
from .models import Article, Author, Section, Tag

FEED_LENGTH = 30


class ArticleFeed(Feed):
    feed_type = Rss201rev2Feed

    def outlet(self):
        return settings.NEWSROOM_SITE_NAME.get(get_language(), settings.NEWSROOM_SITE_NAME[settings.LANGUAGE_CODE])

    def title(self, subject=None):
        if subject is None:
            return self.outlet()
        return _("%(outlet)s: %(subject)s") % {"outlet": self.outlet(), "subject": subject}

    def link(self, subject=None):
        return subject.get_absolute_url() if subject is not None else reverse("home")

    def description(self, subject=None):
        return _("The latest articles from %(outlet)s.") % {"outlet": self.outlet()}

    def articles(self, subject):
        return Article.objects.published().translated(get_language()).for_listing().prefetch_related("tags")

    def items(self, subject=None):
        articles = list(self.articles(subject)[:FEED_LENGTH])
        # Entries show their tags' names: their articles' pages' tags as well as their cards'.
        shown_tags = {page_tags.tag_tag(tag.pk) for article in articles for tag in article.tags.all()}
        shown_tags |= {page_tags.article_page_tag(article.pk) for article in articles}
        if subject is None:
            page_tags.tag_page(page_tags.LATEST, *shown_tags, *page_tags.card_tags(articles))
        else:
            page_tags.show_list(self.subject_tag(subject.pk), articles)
            page_tags.tag_page(*shown_tags)
        return articles

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return article.standfirst

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return ", ".join(author.name for author in article.byline_authors()) or None

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]

    @property
    def language(self):
        # The feed's language is the URL's (Django's default would be LANGUAGE_CODE for every feed).
        return get_language()


class SubjectFeed(ArticleFeed):
    model = None
    filter_field = ""

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def articles(self, subject):
        return super().articles(subject).filter(**{self.filter_field: subject})


class SectionFeed(SubjectFeed):
    model, filter_field = Section, "section"
    subject_tag = staticmethod(page_tags.section_tag)


class TagFeed(SubjectFeed):
    model, filter_field = Tag, "tags"
    subject_tag = staticmethod(page_tags.tag_tag)


class AuthorFeed(SubjectFeed):
    model, filter_field = Author, "bylines__author"
    subject_tag = staticmethod(page_tags.author_tag)
