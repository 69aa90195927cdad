"""`load_demo`, which `make run` calls on every start."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article, ArticleTransition, Author, Section


@pytest.mark.django_db
def test_demo_content_fills_an_empty_database_once(client, capsys):
    call_command("load_demo", "--force")
    counts = (Section.objects.count(), Author.objects.count(), Article.objects.count())
    assert counts[0] >= 4 and counts[1] >= 3 and counts[2] >= 8
    output = capsys.readouterr().out
    assert "log in at /admin/ as 'editor'" in output and "as 'reporter'" in output
    assert "as 'moderator'" in output and "as 'chief'" in output

    call_command("load_demo", "--force")
    assert (Section.objects.count(), Author.objects.count(), Article.objects.count()) == counts
    assert "already has content" in capsys.readouterr().out
    editor, reporter = (get_user_model().objects.get(username=name) for name in ("editor", "reporter"))
    assert editor.check_password("newsroom-demo-password") and reporter.check_password("newsroom-demo-password")
    assert editor.has_perm("articles.publish_article") and not reporter.has_perm("articles.publish_article")
    moderator, chief = (get_user_model().objects.get(username=name) for name in ("moderator", "chief"))
    assert moderator.has_perm("comments.change_comment") and not moderator.has_perm("articles.change_article")
    assert chief.has_perm("consent.add_policyversion") and chief.has_perm("comments.change_comment")
    assert chief.has_perm("articles.publish_article") and not editor.has_perm("consent.add_policyversion")
    assert Article.objects.filter(created_by=reporter).exists()

    arabic, english = client.get("/").content.decode(), client.get("/en/").content.decode()
    assert "عودة العبّارات النهرية إلى الميادين" in arabic
    assert "River ferries return to al-Mayadin" in english
    assert "مسودة" not in arabic  # the demo draft stays hidden


@pytest.mark.django_db
def test_demo_articles_are_published_through_the_workflow():
    """Each published demo article went through article_publish: its step is in the log, by the demo editor, and
    it shows no «last updated» line."""
    call_command("load_demo", "--force")
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    assert published.exists()
    for article in published:
        step = ArticleTransition.objects.get(article=article)
        assert (step.from_status, step.to_status, step.by.username) == ("draft", "published", "editor")
        assert article.updated_at == article.published_at
    assert not ArticleTransition.objects.filter(article__status=Article.Status.DRAFT).exists()


@pytest.mark.django_db
def test_demo_content_leaves_a_database_with_its_own_sections_alone(capsys):
    """An outlet that has set up sections but not yet published gets no demo articles mixed in (and no crash on
    a clashing slug)."""
    Section.objects.create(name_ar="تقارير ميدانية")
    call_command("load_demo", "--force")
    assert not Article.objects.exists()
    assert "already has content" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_articles_each_have_a_byline_and_a_section():
    call_command("load_demo", "--force")
    for article in Article.objects.published().for_listing():
        assert article.byline_authors(), article.headline
        assert article.tags.exists(), article.headline
        assert article.body_ar.startswith("<p>") or article.body_ar.startswith("<h2>")


@pytest.mark.django_db
def test_demo_content_refuses_to_load_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG off"):
        call_command("load_demo")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_demo_has_a_live_page_linked_from_the_front_page_and_an_alert_pointing_at_it(client, capsys):
    from live.models import LiveEntry, UrgentAlert

    call_command("load_demo", "--force")
    call_command("load_live_demo", "--force")
    page = Article.objects.get(live_started_at__isnull=False)
    assert page.is_live and page.is_visible()
    entries = LiveEntry.objects.published().filter(article=page)
    assert entries.count() >= 12 and entries.filter(key_point=True).count() >= 3 and entries.filter(pinned=True)
    assert entries.filter(corrected_at__isnull=False).exists() and entries.filter(language="en").exists()
    home = client.get("/").content.decode()
    url = page.get_absolute_url()
    assert f'<a class="urgent__text" href="{url}">' in home  # the alert, first on the page
    assert f'<h2 class="story__headline"><a href="{url}">' in home and '<span class="live-badge">مباشر</span>' in home
    html = client.get(url).content.decode()
    assert "أبرز النقاط" in html and 'class="live__pinned"' in html and "data-live-poll" in html
    english = client.get("/en/").content.decode()
    assert "Euphrates floods cut" in english
    # Run again on every start: nothing doubled; an expired alert is published again.
    call_command("load_live_demo", "--force")
    assert LiveEntry.objects.count() == entries.count() and UrgentAlert.objects.count() == 1
    UrgentAlert.objects.update(
        expires_at=timezone.now() - timedelta(minutes=1), created_at=timezone.now() - timedelta(hours=1)
    )
    call_command("load_live_demo", "--force")
    assert UrgentAlert.objects.showing().count() == 1


@pytest.mark.django_db
def test_the_demo_front_page_is_arranged_by_an_editor_around_the_live_story(client):
    from articles.models import Arrangement

    call_command("load_demo", "--force")
    call_command("load_live_demo", "--force")
    call_command("load_front_page_demo", "--force")
    arrangement = Arrangement.objects.get()
    live = Article.objects.get(live_started_at__isnull=False)
    assert arrangement.is_in_force() and arrangement.lead == live and arrangement.created_by.username == "editor"
    assert arrangement.stories.count() == 7 and arrangement.section_order.count() == 4
    home = client.get("/").content.decode()
    lead = home[home.index('class="front__lead"') : home.index('class="front__featured"')]
    assert live.headline_ar in lead and 'class="live-summary"' in lead
    assert "<bdi>حياة على ضفاف الفرات</bdi>" in home
    assert "<bdi>Life on the Euphrates</bdi>" in client.get("/en/").content.decode()
    call_command("load_front_page_demo", "--force")  # every start: nothing doubled
    assert Arrangement.objects.count() == 1


@pytest.mark.django_db
def test_everyone_in_the_demo_who_writes_or_publishes_has_a_byline():
    call_command("load_demo", "--force")
    bylines = dict(Author.objects.filter(user__isnull=False).values_list("user__username", "name_ar"))
    assert set(bylines) == {"editor", "reporter", "chief"}


@pytest.mark.django_db
def test_the_demo_moderator_has_comments_waiting_and_readers_see_the_approved_ones(client, capsys):
    from comments.models import Comment

    call_command("load_demo", "--force")
    call_command("load_comments_demo", "--force")
    pending, approved = Comment.objects.pending(), Comment.objects.approved()
    assert pending.count() >= 3 and approved.filter(parent__isnull=False).exists()
    shown = approved.filter(parent__isnull=True).first()
    assert shown.body[:40] in client.get(shown.article.get_absolute_url()).content.decode()
    assert pending.first().body[:40] not in client.get(pending.first().article.get_absolute_url()).content.decode()
    before = Comment.objects.count()
    call_command("load_comments_demo", "--force")
    assert Comment.objects.count() == before
    assert f"Loaded {before} demo comments ({pending.count()} waiting for moderation)." in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_photos_are_drawn_here_and_go_through_the_upload_path(client):
    """Pictures the project draws (no third-party photo) carrying a camera's metadata, as a phone's would: stored
    without it, with renditions, captions, credits and alternative text in Arabic."""
    from PIL import Image as PILImage

    from articles.demo_photos import SCENES, demo_picture
    from articles.models import Image

    drawn = demo_picture("river", 11)
    assert drawn == demo_picture("river", 11) and b"Newsroom demo camera" in drawn
    assert set(SCENES) >= {"river", "market", "field", "school", "town", "rooftops"}
    call_command("load_demo", "--force")
    call_command("load_demo_photos", "--force")
    illustrated = Article.objects.published().filter(featured_image__isnull=False).select_related("featured_image")
    assert illustrated.count() == Image.objects.count() == 7
    for article in illustrated:
        photo = article.featured_image
        assert photo.alt_ar and photo.caption_ar and photo.credit_ar == "رسم: فريق صدى الفرات"
        assert photo.renditions.count() >= 3
        with photo.original.open("rb") as stored, PILImage.open(stored) as picture:
            assert not picture.getexif() and b"Newsroom demo camera" not in stored.read()
    page = client.get(illustrated.first().get_absolute_url()).content.decode()
    assert f'alt="{illustrated.first().featured_image.alt_ar}"' in page
    call_command("load_demo_photos", "--force")
    assert Image.objects.count() == 7
