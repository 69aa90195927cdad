"""
Pages whose SQL is pinned: search-engine files, feeds, the consent pages, the editors' preview, the admin's lists
and revisions, and posting a comment. Each is measured with a small and a larger newsroom, so a query per row
(an N+1) changes the count and fails the test. Counts are a warm worker's (the `page_queries` fixture).
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import SecurityEvent
from articles.models import Article, ArticleAuthor, Image
from articles.services.images import image_store
from articles.services.revisions import article_snapshot
from comments.forms import form_token
from comments.models import Comment
from comments.services import comments as comment_services
from consent.models import ConsentRecord
from tests import photos
from tests.factories import make_article, make_author, make_section, make_staff, sign_in

User = get_user_model()

# A small and a larger newsroom: twice the rows of every kind.
SIZES = [3, 6]


def _newsroom(size, policy=None):
    """`size` published articles, each in its own section, with two authors (one a staff account), two tags of its
    own and one shared, a photo, an approved comment with an approved reply; `size` consent records, staff
    accounts and security events. Returns the last article, section, tag and author."""
    for number in range(size):
        user = make_staff(f"reporter{number}", group="reporter")
        author = make_author(user=user)
        section = make_section()
        photo = image_store(image=Image(alt_ar=f"صورة {number}"), upload=photos.camera_jpeg(320, 240))
        article = make_article(section=section, authors=[author, make_author()], featured_image=photo)
        article.tags.add(f"وسم {number}", f"موضوع {number}", "الرقة")
        first = comment_services.comment_submit(
            article=article, name=f"قارئ {number}", email="r@example.org", body="نص"
        )
        comment_services.comment_submit(article=article, name="رد", email="s@example.org", body="رد", parent=first)
        make_staff(f"moderator{number}", group="moderator")
        SecurityEvent.objects.create(
            user=user, username=user.username, actor=user, kind=SecurityEvent.Kind.FACTOR_ADDED, detail="x"
        )
        if policy is not None:
            ConsentRecord.objects.create(
                consent_id=f"{number:032d}",
                analytics=True,
                embeds=False,
                method=ConsentRecord.Method.ACCEPT_ALL,
                policy_version=policy,
                language="ar",
            )
    comment_services.comments_approve(comments=Comment.objects.all(), by=None)
    return article, section, article.tags.get(name="الرقة"), author


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # The articles (only the columns their addresses need), the sections, the tags, the authors; the home
        # page's entry needs none.
        ("/sitemap.xml", 4),
        # The articles of the last 48 hours.
        ("/sitemap-news.xml", 1),
    ],
)
def test_sitemaps(client, page_queries, size, path, queries):
    """One query per kind of page listed, however many pages there are: the i18n sitemaps build their (item,
    language) pairs as a list, so paginating them counts nothing in SQL."""
    _newsroom(size)
    with page_queries(queries):
        response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode().count("<url>") >= size


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("kind", "queries"), [("site", 3), ("section", 4), ("tag", 4), ("author", 4)])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_feeds(client, page_queries, size, kind, queries, language):
    """The subject (none for the site's feed), the articles with their sections, their bylines with authors, their
    tags: in either language."""
    _article, section, tag, author = _newsroom(size)
    # Every article in the last section and under the last author too, so each feed lists `size` items.
    Article.objects.update(headline_en="A story", body_en="<p>The story.</p>", section=section)
    for article in Article.objects.exclude(bylines__author=author):
        ArticleAuthor.objects.create(article=article, author=author, position=2)
    path = {"site": "/feed/", "section": section.get_absolute_url(), "tag": tag.get_absolute_url(),
            "author": author.get_absolute_url()}[kind]  # fmt: skip
    path = path if kind == "site" else f"{path}feed/"
    if language == "en":
        path = f"/en{path}"
    with page_queries(queries):
        response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode().count("<item>") == size


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("path", "queries"), [("/privacy/", 3), ("/cookies/", 1)])
def test_consent_pages(client, privacy_policy, page_queries, size, path, queries):
    # `privacy_policy` before `page_queries`: it forgets the cached policy version, which `page_queries` then warms.
    """The privacy page: the versions in effect, the version shown, the sections menu. The cookie settings page:
    the sections menu alone (the choice in force is in the reader's cookie, the policy version in the cache)."""
    _newsroom(size, policy=privacy_policy)
    with page_queries(queries):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_preview_for_an_editor(client, page_queries, size):
    """Eight queries: the session, the user, their OTP device, the draft with its section and photo, the user's own
    and their groups' permissions (may they preview others' drafts), the bylines, tags, corrections and renditions
    (one query, articles/loading.py), the sections menu."""
    section = make_section()
    draft = make_article(
        status=Article.Status.DRAFT, section=section, authors=[make_author() for _ in range(size)],
        created_by=make_staff("rana", group="reporter"),
    )  # fmt: skip
    draft.tags.add(*(f"وسم {number}" for number in range(size)))
    for number in range(size):
        draft.corrections.create(text_ar=f"تصحيح {number}")
        make_article(section=section).tags.add(f"وسم {number}")
    sign_in(client, make_staff("hala", group="editor"))
    with page_queries(8):
        response = client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 200


# Every change list starts with the session, the user and their OTP device (a superuser needs no permission query).
ADMIN_LISTS = [
    # The filters' sections and authors, then for each of the three facets the filters again (Django's
    # FacetsMixin rebuilds the change list's queryset, and with it every filter's choices) and the facet's counts:
    # 2 + 3 × (2 + 1); the filtered and the full count; the articles with sections, their bylines, their authors;
    # the date hierarchy's bounds and days.
    pytest.param("articles/article", 21, id="articles"),
    # The filtered and the full count, the comments with their articles and parents, the status and date facets.
    pytest.param("comments/comment", 8, id="comments"),
    # The two counts, the moderation events with who did each.
    pytest.param("comments/moderationevent", 6, id="moderation-log"),
    # The two counts, the photos, their renditions.
    pytest.param("articles/image", 7, id="photos"),
    # The two counts, the tags.
    pytest.param("articles/tag", 6, id="tags"),
    # The two counts, the authors with their user accounts.
    pytest.param("articles/author", 6, id="authors"),
    # The two counts, the sections.
    pytest.param("articles/section", 6, id="sections"),
    # The policy versions (filter), one count (show_full_result_count is off), the records with their policy
    # versions, the date hierarchy's bounds and days, the languages (filter).
    pytest.param("consent/consentrecord", 9, id="consent-records"),
    # The groups (filter), the two counts, the users.
    pytest.param("auth/user", 7, id="users"),
    # The two counts, the events with the accounts that did them, the date hierarchy's bounds and days.
    pytest.param("accounts/securityevent", 8, id="security-events"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("model", "queries"), ADMIN_LISTS)
def test_admin_change_lists(client, privacy_policy, page_queries, size, model, queries):
    # `privacy_policy` before `page_queries`, as on the consent pages.
    """A superuser's change list costs the same with twice the rows: see ADMIN_LISTS for what each query is."""
    _newsroom(size, policy=privacy_policy)
    sign_in(client, make_staff("boss", is_superuser=True))
    with page_queries(queries):
        response = client.get(f"/admin/{model}/")
    assert response.status_code == 200
    assert response.context["cl"].result_count >= size


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_admin_article_revisions(client, page_queries, size):
    """Nine queries for an editor: the session, the user, their OTP device, their own and their groups'
    permissions, the article with its section, its bylines and their authors (ArticleAdmin.get_queryset prefetches
    them for the change list; this page shows none), the revisions with who saved each."""
    article = make_article(authors=[make_author()])
    for number in range(size):
        article_snapshot(article=article, by=make_staff(f"editor{number}", group="editor"))
    sign_in(client, make_staff("hala", group="editor"))
    with page_queries(9):
        response = client.get(f"/admin/articles/article/{article.pk}/revisions/")
    assert response.status_code == 200
    assert len(response.context["revisions"]) == size


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_posting_a_comment(client, page_queries, django_capture_on_commit_callbacks, size):
    """Eight queries for a valid reply: the published article, the approved comment it answers, the blocked words,
    the check for the same comment sent twice, then in one transaction (here a savepoint and its release, inside
    the test's own transaction) the insert and the job that will e-mail the moderators. No mail server is asked and
    nothing waits for one. The rate limits count in the cache."""
    article, *_ = _newsroom(size)
    parent = Comment.objects.filter(article=article, parent=None).get()
    with time_machine.travel(timezone.now() - timedelta(seconds=60), tick=False):
        token = form_token(article.pk)
    data = {"name": "سلمى", "email": "salma@example.org", "body": "شكراً على هذا التقرير.", "consent": "on",
            "token": token, "website": "", "parent": parent.pk}  # fmt: skip
    with page_queries(8), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/comments/post/{article.pk}/", data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert Comment.objects.filter(parent=parent, status=Comment.Status.PENDING).count() == 1
