"""Targeted purges, held to what readers see: for each kind of change made the way the desk makes it, every cached
page a reader gets afterwards is the page the site would draw now (nothing stale, in Arabic and in English), and the
pages that do not show what changed are still answered from the cache.

The rule of what each change purges lives in articles/page_tags.py; these tests do not repeat it. They say, for
each change, which pages a reader would see change, and check the cache against a fresh drawing of every page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from articles.models import Article, ArticleAuthor, Correction, Image, Tag
from articles.services.articles import article_publish, article_save, article_unpublish
from articles.services.corrections import correction_save
from articles.services.images import image_describe, image_store
from comments.models import Comment
from comments.services import comments as comment_services
from comments.services.commenters import commenter_erase
from consent.models import PolicyVersion
from consent.services.policy_versions import policy_version_publish
from core.pagecache import pages_purge_all
from tests import photos
from tests.factories import make_article, make_author, make_section, make_staff

# What differs between two drawings of one unchanged page: the comment form's signed time (comments/forms.py).
# And an empty feed's build time, which is the time it is drawn (Django's Feed).
_PER_RESPONSE = re.compile(r'name="token" value="[^"]*"|<lastBuildDate>[^<]*</lastBuildDate>')


class Site:
    """The reader pages of a small newsroom: two sections, two tags, two writers, three stories in two languages."""

    def __init__(self):
        self.editor = make_staff("page-tags-editor", "editor")
        self.moderator = make_staff("page-tags-moderator", "moderator")
        self.politics, self.economy = make_section(name_ar="سياسة"), make_section(name_ar="اقتصاد")
        self.deir, self.oil = Tag.objects.create(name="دير الزور"), Tag.objects.create(name="النفط")
        self.rana, self.omar = make_author(name_ar="رنا"), make_author(name_ar="عمر")
        self.photo = image_store(image=Image(alt_ar="جسر على الفرات"), upload=photos.png())
        hour = timedelta(hours=1)
        self.a = self._story("انقطاع الجسر الوحيد", self.politics, self.deir, self.rana, 3 * hour)
        self.c = self._story("عودة العبّارات إلى النهر", self.politics, self.deir, self.rana, 2 * hour)
        self.b = self._story("أسعار الوقود في السوق", self.economy, self.oil, self.omar, hour, photo=self.photo)
        self.client = Client()

    def _story(self, headline, section, tag, author, age, **fields):
        article = make_article(
            headline_ar=headline, headline_en=f"English: {headline}", section=section, authors=[author],
            published_at=timezone.now() - age, featured_image=fields.pop("photo", None), **fields,
        )  # fmt: skip
        article.tags.add(tag)
        return article

    def pages(self):
        """Every reader page of the site, by a name for the failure messages."""
        pages = {}
        for language in ("ar", "en"):
            with override(language):
                for name in ("a", "b", "c"):
                    pages[f"{name} ({language})"] = getattr(self, name).get_absolute_url()
                pages[f"home ({language})"] = "/" if language == "ar" else "/en/"
                pages[f"search ({language})"] = f"/{'en/' if language == 'en' else ''}search/?q=الجسر"
            pages[f"politics ({language})"] = self._localised(self.politics.get_absolute_url(), language)
        pages.update({
            "economy": self.economy.get_absolute_url(),
            "tag deir": self.deir.get_absolute_url(),
            "tag oil": self.oil.get_absolute_url(),
            "writer rana": self.rana.get_absolute_url(),
            "writer omar": self.omar.get_absolute_url(),
            "feed": "/feed/",
            "politics feed": f"{self.politics.get_absolute_url()}feed/",
            "economy feed": f"{self.economy.get_absolute_url()}feed/",
            "sitemap": "/sitemap.xml",
            "news sitemap": "/sitemap-news.xml",
            "robots": "/robots.txt",
        })  # fmt: skip
        return pages

    @staticmethod
    def _localised(url, language):
        with override(language):
            return url if language == "ar" else f"/en{url}"

    def warm(self):
        """Every page drawn and stored, then served from the cache."""
        pages_purge_all()
        for name, url in self.pages().items():
            self.client.get(url)
            response = self.client.get(url)
            assert response["X-Page-Cache"] == "hit", f"{name} ({url}) is not cached: {response.status_code}"

    def check(self, changed, settings):
        """After a change: every page as the site draws it now; pages not in `changed` still from the cache."""
        pages = self.pages()
        assert set(changed) <= set(pages), set(changed) - set(pages)
        served = {name: self.client.get(url) for name, url in pages.items()}
        settings.NEWSROOM_PAGE_CACHE = False
        fresh = {name: Client().get(url) for name, url in pages.items()}
        settings.NEWSROOM_PAGE_CACHE = True
        for name, response in served.items():
            assert response.status_code == fresh[name].status_code, name
            assert _body(response) == _body(fresh[name]), f"{name} ({pages[name]}) is stale"
        still_cached = {name for name, response in served.items() if response["X-Page-Cache"] == "hit"}
        purged_too = set(pages) - set(changed) - still_cached
        assert not purged_too, f"pages purged that show nothing that changed: {sorted(purged_too)}"
        kept = still_cached & set(changed)
        assert not kept, f"pages still cached that this test says change: {sorted(kept)}"


def _body(response):
    return _PER_RESPONSE.sub("", response.content.decode())


@pytest.fixture
def site(db):
    site = Site()
    site.warm()
    return site


A_PAGES = ["a (ar)", "a (en)"]
B_PAGES = ["b (ar)", "b (en)"]
C_PAGES = ["c (ar)", "c (en)"]
HOME = ["home (ar)", "home (en)"]
SEARCH = ["search (ar)", "search (en)"]
POLITICS = ["politics (ar)", "politics (en)"]
SITEMAPS = ["sitemap", "news sitemap"]


def test_approving_a_comment_refreshes_only_that_articles_pages(site, settings):
    comment = comment_services.comment_submit(article=site.a, name="سلمى", email="s@example.org", body="شكراً")
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=site.moderator)
    site.check(A_PAGES, settings)


def test_a_pending_or_rejected_comment_refreshes_nothing(site, settings):
    comment = comment_services.comment_submit(article=site.a, name="سلمى", email="s@example.org", body="رابط")
    comment_services.comments_reject(comments=Comment.objects.filter(pk=comment.pk), by=site.moderator)
    site.check([], settings)


def test_deleting_and_erasing_approved_comments_refresh_their_articles(site, settings):
    comment = comment_services.comment_submit(article=site.b, name="سلمى", email="s@example.org", body="تعليق")
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=site.moderator)
    site.warm()
    commenter_erase(email="s@example.org", by=site.moderator)
    site.check(B_PAGES, settings)
    site.warm()
    comment_services.comments_delete(comments=Comment.objects.filter(pk=comment.pk), by=site.moderator)
    site.check(B_PAGES, settings)


def test_publishing_refreshes_the_article_its_section_tags_writers_home_feeds_and_sitemaps(site, settings):
    story = make_article(headline_ar="الجسر يعود إلى الخدمة", section=site.politics, status=Article.Status.DRAFT,
                         authors=[site.rana])  # fmt: skip
    story.tags.add(site.deir)
    site.check([], settings)  # a draft changes nothing readers see
    article_publish(article=story, by=site.editor)
    # «قد يعجبك أيضاً» of the section's and the tag's stories now offers it too.
    changed = [*HOME, *POLITICS, *A_PAGES, *C_PAGES, *SEARCH, *SITEMAPS, "tag deir", "writer rana", "feed",
               "politics feed"]  # fmt: skip
    site.check(changed, settings)


def test_unpublishing_takes_the_article_off_every_page_that_showed_it(site, settings):
    article_unpublish(article=site.b, by=site.editor)
    changed = [*B_PAGES, *HOME, *SEARCH, *SITEMAPS, "economy", "tag oil", "writer omar", "feed", "economy feed"]
    site.check(changed, settings)


def test_an_edit_refreshes_the_article_and_the_pages_that_show_its_card(site, settings):
    article = Article.objects.get(pk=site.b.pk)
    article.headline_ar = "أسعار الوقود ترتفع مجدداً"
    article_save(article=article, by=site.editor, loaded_version=article.version)
    changed = [*B_PAGES, *HOME, *SEARCH, *SITEMAPS, "economy", "tag oil", "writer omar", "feed", "economy feed"]
    site.check(changed, settings)


def test_moving_an_article_to_another_section_refreshes_both_sections(site, settings):
    article = Article.objects.get(pk=site.b.pk)
    article.section = site.politics
    article_save(article=article, by=site.editor, loaded_version=article.version)
    changed = [*B_PAGES, *HOME, *SEARCH, *SITEMAPS, *POLITICS, *A_PAGES, *C_PAGES, "economy", "tag oil",
               "writer omar", "feed", "economy feed", "politics feed"]  # fmt: skip
    site.check(changed, settings)


def test_tagging_and_bylines_refresh_the_article_and_those_lists(site, settings):
    site.b.tags.add(site.deir)
    # The tag's list, the feeds that name the article's tags, and the stories whose «قد يعجبك أيضاً» draws from the
    # tag's list. Its cards elsewhere show no tags.
    changed = [*B_PAGES, *SEARCH, "tag deir", "feed", "economy feed", *A_PAGES, *C_PAGES]
    site.check(changed, settings)
    site.warm()
    ArticleAuthor.objects.create(article=site.b, author=site.rana, position=1)
    # The byline on b's cards, wherever they are (the news sitemap lists b by its card too, without the byline).
    changed = [*B_PAGES, *SEARCH, *HOME, "writer rana", "economy", "tag oil", "tag deir", "feed", "economy feed",
               "writer omar", *A_PAGES, *C_PAGES, "news sitemap"]  # fmt: skip
    site.check(changed, settings)


def test_a_correction_refreshes_only_the_articles_pages(site, settings):
    correction_save(correction=Correction(article=site.c, text_ar="صُحّح اسم القرية."), by=site.editor)
    site.check(C_PAGES, settings)


def test_renaming_a_tag_or_a_writer_refreshes_where_the_name_shows(site, settings):
    site.oil.name = "المحروقات"
    site.oil.save()
    site.check([*B_PAGES, *SEARCH, "tag oil", "sitemap", "feed", "economy feed"], settings)
    site.warm()
    site.omar.name_ar = "عمر الأحمد"
    site.omar.save()
    changed = [*B_PAGES, *HOME, *SEARCH, "sitemap", "writer omar", "economy", "tag oil", "feed", "economy feed"]
    site.check(changed, settings)


def test_a_photos_new_description_refreshes_the_pages_that_show_it(site, settings):
    photo = Image.objects.get(pk=site.photo.pk)
    photo.alt_ar = "الجسر المعلّق فوق الفرات"
    image_describe(image=photo, by=site.editor)
    # Article B's page, and the lists whose cards show its photo (its feeds show none).
    site.check([*B_PAGES, "home (ar)", "home (en)", "economy", "tag oil", "writer omar"], settings)


def test_what_every_page_shows_refreshes_every_page(site, settings):
    site.economy.name_ar = "الاقتصاد والأسواق"
    site.economy.save()  # the section menu is on every page
    site.check(list(site.pages()), settings)
    site.warm()
    policy_version_publish(version=PolicyVersion(title_ar="سياسة الخصوصية", body_ar="<p>نص جديد.</p>"), by=site.editor)
    site.check(list(site.pages()), settings)


def test_a_scheduled_article_coming_due_refreshes_what_publishing_would(site, settings):
    story = make_article(headline_ar="موعد افتتاح الجسر", section=site.economy, status=Article.Status.DRAFT,
                         authors=[site.omar])  # fmt: skip
    story.tags.add(site.oil)
    due = timezone.now() + timedelta(minutes=5)
    article_publish(article=story, by=site.editor, at=due)
    site.check([], settings)
    with time_machine.travel(due + timedelta(seconds=1)):
        changed = [*HOME, *B_PAGES, *SEARCH, *SITEMAPS, "economy", "tag oil", "writer omar", "feed", "economy feed"]
        site.check(changed, settings)


def test_pages_carry_their_tags_for_a_cache_in_front(site):
    """Varnish (xkey) and Fastly (Surrogate-Key) read the tags space-separated, Cloudflare (Cache-Tag)
    comma-separated; a cached answer carries the same headers as the page first drawn."""
    url = site.a.get_absolute_url()
    pages_purge_all()
    drawn, cached = site.client.get(url), site.client.get(url)
    assert (drawn["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
    for response in (drawn, cached):
        tags = set(response["xkey"].split(" "))
        assert {"site", f"article-{site.a.pk}", f"comments-{site.a.pk}", f"section-{site.politics.pk}-list"} <= tags
        assert f"article-{site.b.pk}" not in tags
        assert response["Surrogate-Key"] == response["xkey"]
        assert set(response["Cache-Tag"].split(",")) == tags


def test_live_coverage_refreshes_its_page_its_poll_answer_and_its_cards_only(site, settings):
    from live.services.coverage import coverage_end, coverage_start, live_settings_change
    from live.services.entries import entry_post

    # Its cards everywhere gain the «مباشر» marker, and its page the coverage.
    cards = [*A_PAGES, *HOME, *POLITICS, *C_PAGES, *SEARCH, *SITEMAPS, "tag deir", "writer rana", "feed",
             "politics feed"]  # fmt: skip
    coverage_start(article=site.a, by=site.editor)
    site.check(cards, settings)
    pages = site.pages
    with override("en"):
        english_poll = f"/en/live/{site.a.pk}/poll.json"
    live = {"a poll (ar)": f"/live/{site.a.pk}/poll.json", "a poll (en)": english_poll,
            "a live feed": f"/live/{site.a.pk}/feed/"}  # fmt: skip
    site.pages = lambda: {**pages(), **live}
    site.warm()
    # A new entry: that page, its poll answers and feed, and its cards (their marker says when it was updated).
    entry_post(article=site.a, by=site.editor, text="تحديث من الميدان")
    site.check([*cards, *live], settings)
    # The desk's interval: live pages and their poll answers, nothing else.
    site.warm()
    live_settings_change(poll_seconds=60, review_entries=False, by=site.editor)
    site.check([*A_PAGES, "a poll (ar)", "a poll (en)"], settings)
    site.warm()
    coverage_end(article=site.a, by=site.editor)
    site.check([*cards, *live], settings)


def _arrange(site, section=None, **fields):
    from articles.models import Arrangement

    return Arrangement.objects.create(section=section, created_by=site.editor, **fields)


def test_arranging_the_home_page_refreshes_the_home_page_only(site, settings):
    arrangement = _arrange(site, lead=site.c)
    site.check(HOME, settings)
    arrangement.stories.create(article=site.b, position=1)
    site.check(HOME, settings)
    arrangement.delete()
    site.check(HOME, settings)


def test_arranging_a_section_refreshes_that_sections_page_only(site, settings):
    arrangement = _arrange(site, section=site.politics, lead=site.c)
    site.check(POLITICS, settings)
    arrangement.section = site.economy  # moved to another page: both change
    arrangement.save()
    site.check([*POLITICS, "economy"], settings)


def test_a_scheduled_arrangement_takes_over_its_page_at_its_time(site, settings):
    due = timezone.now() + timedelta(minutes=5)
    _arrange(site, lead=site.c, takes_effect_at=due)
    site.check([], settings)
    with time_machine.travel(due + timedelta(seconds=1)):
        site.check(HOME, settings)


def test_unpublishing_the_lead_takes_it_out_of_the_arranged_page(site, settings):
    _arrange(site, lead=site.c)
    site.check(HOME, settings)
    article_unpublish(article=site.c, by=site.editor)
    # «You may also like» on the page of a, in the same section and tag, showed it too.
    changed = [*HOME, *A_PAGES, *C_PAGES, *POLITICS, *SEARCH, *SITEMAPS, "tag deir", "writer rana", "feed",
               "politics feed"]  # fmt: skip
    site.check(changed, settings)
    assert site.c.headline_ar not in site.client.get("/").content.decode()


def test_a_change_recorded_after_a_due_time_does_not_hide_what_came_due(site, settings):
    """The time the next change comes due is rewritten by any change to the schedule: what came due before it, and
    that no reader had purged yet, is purged first."""
    due = timezone.now() + timedelta(minutes=5)
    _arrange(site, lead=site.c, takes_effect_at=due)
    with time_machine.travel(due + timedelta(seconds=1)):
        _arrange(site, section=site.economy, lead=site.b)  # before any reader came
        site.check([*HOME, "economy"], settings)
