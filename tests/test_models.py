"""Invariants the database enforces, whatever the form or admin lets through."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Author, Section
from tests.factories import make_article, make_section


@pytest.mark.django_db
def test_slug_is_made_from_the_arabic_headline():
    article = make_article(headline_ar="عودة العبّارات إلى الميادين", headline_en="Ferries return")
    assert article.slug == "عودة-العبارات-إلى-الميادين"


@pytest.mark.django_db
def test_section_and_author_slugs_come_from_the_arabic_name():
    assert make_section(name_ar="تقارير ميدانية").slug == "تقارير-ميدانية"
    assert Author.objects.create(name_ar="ليلى الحسن", name_en="Layla").slug == "ليلى-الحسن"


@pytest.mark.django_db
def test_published_queryset_honours_status_and_time():
    visible = make_article(published_at=timezone.now() - timezone.timedelta(hours=2))
    due = make_article(status=Article.Status.SCHEDULED, published_at=timezone.now() - timezone.timedelta(minutes=1))
    make_article(published_at=timezone.now() + timezone.timedelta(minutes=5))
    make_article(status=Article.Status.SCHEDULED, published_at=timezone.now() + timezone.timedelta(minutes=5))
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.UNPUBLISHED)
    assert list(Article.objects.published()) == [due, visible]


def _refused(**fields):
    section = make_section()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(section=section, **fields)


@pytest.mark.django_db
def test_database_refuses_an_unknown_status():
    _refused(headline_ar="عنوان", status="deleted")


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Article.Status.PUBLISHED, Article.Status.SCHEDULED])
def test_database_refuses_publishing_without_a_time(status):
    _refused(headline_ar="عنوان", status=status, published_at=None)


@pytest.mark.django_db
def test_database_refuses_an_article_without_an_arabic_headline():
    _refused(headline_en="English only")


@pytest.mark.django_db
def test_database_refuses_a_section_without_an_arabic_name():
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(name_en="Politics", slug="politics")


@pytest.mark.django_db
def test_an_author_appears_once_per_byline():
    article = make_article()
    author = Author.objects.create(name_ar="عمر")
    article.bylines.create(author=author, position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        article.bylines.create(author=author, position=1)
