"""The articles app's jobs, run by a worker as in production: a scheduled article coming due, re-indexing search,
making renditions again after the widths changed."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, ArticleTransition, Image
from articles.services.articles import article_publish
from articles.services.images import image_store
from tests import photos
from tests.factories import make_article, make_staff, run_jobs

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def test_a_scheduled_article_is_recorded_as_published_by_the_job_enqueued_for_its_time():
    editor = make_staff("hala", "editor")
    article = make_article(status=Article.Status.DRAFT)
    with time_machine.travel(NOW, tick=False):
        article_publish(article=article, by=editor, at=NOW + timedelta(hours=2))
        [job] = DBTaskResult.objects.all()
        assert (job.task_path, job.run_after) == ("articles.jobs.articles_come_due", NOW + timedelta(hours=2))
        assert run_jobs() == 0  # not yet
    with time_machine.travel(NOW + timedelta(hours=2, seconds=1), tick=False):
        assert run_jobs() == 1
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    step = ArticleTransition.objects.filter(article=article).latest("at")
    assert (step.from_status, step.to_status, step.by) == ("scheduled", "published", None)


def test_a_rescheduled_article_is_not_published_by_the_earlier_job():
    editor = make_staff("hala", "editor")
    article = make_article(status=Article.Status.DRAFT)
    with time_machine.travel(NOW, tick=False):
        article_publish(article=article, by=editor, at=NOW + timedelta(hours=1))
        Article.objects.filter(pk=article.pk).update(published_at=NOW + timedelta(days=1))  # moved to tomorrow
    with time_machine.travel(NOW + timedelta(hours=1, seconds=1), tick=False):
        run_jobs()
    article.refresh_from_db()
    assert article.status == Article.Status.SCHEDULED


def test_reindexing_search_rebuilds_the_columns_in_jobs_and_changes_nothing_else(client):
    article = make_article(headline_ar="عودة العبّارات إلى الميادين", headline_en="Ferries return")
    expected = article.search_columns()
    Article.objects.filter(pk=article.pk).update(search_text="", search_index="  ")  # as if made by an older rule
    before = Article.objects.values("version", "updated_at").get(pk=article.pk)
    call_command("reindex_search", stdout=io.StringIO())
    assert DBTaskResult.objects.get().task_path == "articles.jobs.articles_reindex"
    run_jobs()
    stored = Article.objects.values("search_text", "search_index", "version", "updated_at").get(pk=article.pk)
    assert {key: stored[key] for key in expected} == expected
    assert {key: stored[key] for key in before} == before
    assert "عودة العبّارات" in client.get("/search/", {"q": "العبارات"}).content.decode()


def test_renditions_are_made_again_when_the_widths_change(client, settings):
    image = image_store(image=Image(alt_ar="جسر"), upload=photos.camera_jpeg(1500, 2000))  # upright 2000 wide
    original = image.original.name
    article = make_article(
        featured_image=image, body_ar=f'<p><img src="{image.rendition(960).file.url}" alt="جسر"></p>'
    )
    out = io.StringIO()
    call_command("backfill_renditions", stdout=out)
    assert "0 photos" in out.getvalue()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"  # now cached, with today's files

    settings.NEWSROOM_RENDITION_WIDTHS = (320, 1200)
    call_command("backfill_renditions", stdout=out)
    assert "1 photos" in out.getvalue()
    run_jobs()
    image.refresh_from_db()
    assert sorted({(r.width, r.format) for r in image.renditions.all()}) == [
        (320, "jpeg"), (320, "webp"), (1200, "jpeg"), (1200, "webp")
    ]  # fmt: skip
    assert image.original.name == original
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"  # the cached page named deleted files: it was dropped
    assert image.renditions.get(width=320, format="jpeg").file.url in response.content.decode()  # drawn anew
