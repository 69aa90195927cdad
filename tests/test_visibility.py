"""
One answer everywhere to «may readers see this article?», «does it exist in this language?» and «may this user
edit it?»: every place that decides is held to `Article.is_visible()`, `is_translated()`, `may_be_edited_by()` and
`is_visible_to()` (articles/models.py), over every status, time and language.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import override

from articles.feeds import ArticleFeed
from articles.loading import related_articles
from articles.models import READER_STATUSES, TRANSITIONS, Article, Image, next_scheduled_time
from articles.services.articles import article_submit
from articles.services.revisions import article_restore, article_snapshot
from articles.sitemaps import ArticleSitemap, news_articles
from core.pagecache import TAG_KEY_PREFIX
from tests.factories import make_article, make_section, sign_in

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TIMES = {"past": NOW - timedelta(hours=1), "now": NOW, "future": NOW + timedelta(hours=1), "none": None}
# A word no other article has, in the Arabic text every article carries: searching it in English finds the article
# only if it exists in English.
WORD = "زنبقوطيات"


def _user(username, group=None, **fields):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "unused", **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _article_fields(status, published_at, translated):
    return {
        "status": status,
        "published_at": published_at,
        "headline_ar": f"تقرير عن {WORD} في الرقة",
        "headline_en": "A report from Raqqa" if translated else "",
        "body_en": "<p>The story.</p>" if translated else "",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("status", Article.Status.values)
@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("translated", [True, False], ids=["with-english", "arabic-only"])
def test_every_reader_facing_place_sees_what_is_visible_sees(client, status, when, language, translated):
    """The queryset, the related articles' SQL, search (page and SQL), the article page, the JSON API, the sitemaps,
    the feed, the page cache's next-due time, the purge on save and the photo lock all say what `is_visible(now)` and
    `is_translated(language)` say."""
    published_at = TIMES[when]
    with time_machine.travel(NOW, tick=False):
        section = make_section()
        if status in READER_STATUSES and published_at is None:
            # No case for the places to disagree on: the database refuses the article.
            with pytest.raises(IntegrityError), transaction.atomic():
                make_article(section=section, **_article_fields(status, published_at, translated))
            return
        reporter = _user("rana", "reporter", is_staff=True)
        photo = Image.objects.create(original="originals/x.jpg", width=8, height=8, alt_ar="صورة", uploaded_by=reporter)
        article = make_article(
            section=section, featured_image=photo, **_article_fields(status, published_at, translated)
        )
        article.tags.add("الرقة")
        neighbour = make_article(section=section, headline_en="Neighbour")
        neighbour.tags.add("الرقة")

        visible = article.is_visible(NOW)
        assert visible == (status in READER_STATUSES and when in ("past", "now"))  # the rule itself
        shown = visible and article.is_translated(language)
        assert article.is_translated(language) == (language == "ar" or translated)

        # The queryset, with the time given and by default.
        assert (article in Article.objects.published(NOW).translated(language)) == shown
        assert (article in Article.objects.published()) == visible

        # The related articles' hand-written statement.
        assert (article in related_articles(neighbour, language=language)) == shown

        # Search: the page readers use, and on PostgreSQL the SQL's own rule (SQLite's FTS5 query has none).
        prefix = "" if language == "ar" else "/en"
        with override(language):
            address = article.get_absolute_url()
        page = client.get(f"{prefix}/search/", {"q": WORD}).content.decode()
        assert (address in page) == shown
        if connection.vendor == "postgresql":
            assert (article in Article.objects.search(WORD)) == visible

        # The article page: shown, sent to the Arabic original, or not found.
        expected_status = (200 if shown else 302) if visible else 404
        assert client.get(address).status_code == expected_status

        # The JSON API (api/): its list, an article, its search.
        api = f"{prefix}/api/v1"
        assert (article.pk in [item["id"] for item in client.get(f"{api}/articles").json()["items"]]) == shown
        assert client.get(f"{api}/articles/{article.pk}").status_code == (200 if shown else 404)
        found = client.get(f"{api}/search", {"q": WORD}).json()["items"]
        assert (article.pk in [item["id"] for item in found]) == shown

        # Sitemaps and the feed.
        sitemap = ArticleSitemap()
        assert (article in sitemap.items()) == visible
        if visible:
            assert (language in sitemap.get_languages_for_item(article)) == shown
        assert (article in news_articles()) == visible
        with override(language):
            assert (article in ArticleFeed().items()) == shown

        # The page cache: a scheduled article not yet visible is the next change due.
        due_later = status == Article.Status.SCHEDULED and not visible
        assert next_scheduled_time() == (published_at.timestamp() if due_later else None)

        # Saving the article purges its cached pages exactly when readers can see it.
        before = cache.get(f"{TAG_KEY_PREFIX}article-{article.pk}-page")
        article.save()
        assert (cache.get(f"{TAG_KEY_PREFIX}article-{article.pk}-page") != before) == visible

        # The photo lock: its uploader may change it only while no article readers can see shows it.
        photo_admin = admin.site._registry[Image]
        assert photo_admin.has_change_permission(_request(reporter), photo) == (not visible)


ROLES = ["editor", "author", "other reporter", "moderator", "anonymous"]


@pytest.fixture
def people(db):
    return {
        "editor": _user("hala", "editor", is_staff=True),
        "author": _user("rana", "reporter", is_staff=True),
        "other reporter": _user("sami", "reporter", is_staff=True),
        "moderator": _user("mona", "moderator", is_staff=True),
        "anonymous": AnonymousUser(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("status", Article.Status.values)
@pytest.mark.parametrize("role", ROLES)
def test_every_editing_place_agrees_on_who_may_edit(client, people, role, status):
    """The service's check, the admin's change permission and the querysets say what `may_be_edited_by()` says;
    the preview says what `is_visible_to()` says. Editors edit everything, reporters their own drafts; editors
    and the article's authors preview it; nobody else does either."""
    user = people[role]
    published_at = NOW if status in READER_STATUSES else None
    article = make_article(status=status, published_at=published_at, created_by=people["author"])
    may_edit = article.may_be_edited_by(user)
    assert may_edit == (role == "editor" or (role == "author" and status == Article.Status.DRAFT))
    may_open = article.is_visible_to(user)
    assert may_open == (role in ("editor", "author"))

    assert (article in Article.objects.editable_by(user)) == may_edit
    assert (article in Article.objects.visible_to(user)) == may_open
    article_admin = admin.site._registry[Article]
    assert article_admin.has_change_permission(_request(user), article) == may_edit

    # The services: restoring a revision is editing; submitting asks the same of the article as a draft, and
    # leaves a status the workflow does not allow to the workflow's own refusal.
    revision = article_snapshot(article=article, by=None)
    if may_edit:
        article_restore(article=article, revision=revision, by=user)
    else:
        with pytest.raises(PermissionDenied):
            article_restore(article=article, revision=revision, by=user)
    if not article.may_be_edited_by(user, status=Article.Status.DRAFT):
        refusal = PermissionDenied
    elif (status, Article.Status.IN_REVIEW) not in TRANSITIONS:
        refusal = ValidationError
    else:
        refusal = None
    if refusal is None:
        article_submit(article=article, by=user)
    else:
        with pytest.raises(refusal):
            article_submit(article=article, by=user)

    if role != "anonymous":
        sign_in(client, user)
    response = client.get(reverse("articles:article_preview", args=[article.pk]))
    assert response.status_code == (302 if role == "anonymous" else 200 if may_open else 404)
