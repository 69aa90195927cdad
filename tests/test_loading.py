"""The article page's parts in one query (articles/loading.py) are what prefetch_related would have given."""

from datetime import timedelta

import pytest
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import override

from articles.loading import attach_page_parts
from articles.models import Article, ArticleAuthor, Image
from articles.services.images import image_store
from tests import photos
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _by_the_orm(pk):
    return (
        Article.objects.select_related("section", "featured_image")
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
            "corrections",
            "featured_image__renditions",
            "tags",
        )
        .get(pk=pk)
    )


@pytest.fixture
def article():
    image = image_store(image=Image(alt_ar="جسر"), upload=photos.camera_jpeg(1200, 800))
    writers = [make_author(role_ar="مراسل", bio_ar="سيرة قصيرة"), make_author(), make_author()]
    article = make_article(featured_image=image, authors=writers)
    ArticleAuthor.objects.filter(article=article, author=writers[0]).update(position=5)  # first written, last shown
    article.tags.add("الميادين", "دير الزور", "Al-Bukamal")
    now = timezone.now().replace(microsecond=123456)
    article.corrections.create(kind="update", text_ar="تحديث لاحق", published_at=now)
    article.corrections.create(
        text_ar="تصحيح سابق", text_en="An earlier correction", published_at=now - timedelta(hours=2)
    )
    return article


def test_the_parts_equal_what_prefetch_related_fetches(article, django_assert_num_queries):
    expected = _by_the_orm(article.pk)
    loaded = Article.objects.for_page().get(pk=article.pk)
    with django_assert_num_queries(1):
        attach_page_parts(loaded)
    with django_assert_num_queries(0):
        bylines = list(loaded.bylines.all())
        tags = list(loaded.tags.all())
        corrections = list(loaded.corrections.all())
        renditions = list(loaded.featured_image.renditions.all())
        authors = loaded.byline_authors()
    assert [_fields(b) for b in bylines] == [_fields(b) for b in expected.bylines.all()]
    assert [_fields(a) for a in authors] == [_fields(a) for a in expected.byline_authors()]
    assert [a.name for a in authors][-1] == expected.byline_authors()[-1].name  # position order, not creation order
    assert [_fields(t) for t in tags] == sorted((_fields(t) for t in expected.tags.all()), key=lambda t: t["name"])
    assert [_fields(c) for c in corrections] == [_fields(c) for c in expected.corrections.all()]
    assert corrections[0].text == "تصحيح سابق" and corrections[0].published_at.tzinfo is not None
    assert [_fields(r) for r in renditions] == sorted(
        (_fields(r) for r in expected.featured_image.renditions.all()), key=lambda r: (r["width"], r["format"])
    )
    assert renditions[0].file.url.startswith("/media/renditions/")
    # The objects are real rows: saved ones, from this database.
    assert not tags[0]._state.adding and tags[0]._state.db == "default"


def _caches(instance):
    # Django's private cache, read here on purpose: this test is what notices when an upgrade changes it.
    return instance._prefetched_objects_cache


def test_the_caches_filled_are_the_ones_prefetch_related_fills(article, django_assert_num_queries):
    """articles/loading.py writes Django's private prefetch caches itself. They must be what `prefetch_related`
    leaves behind: the same relation names, each the relation's own queryset (same model, same SQL) marked as
    prefetched, so Django's own code takes them for its own and asks the database for nothing more."""
    expected = _by_the_orm(article.pk)
    loaded = attach_page_parts(Article.objects.for_page().get(pk=article.pk))
    for mine, theirs in ((loaded, expected), (loaded.featured_image, expected.featured_image)):
        assert _caches(mine).keys() == _caches(theirs).keys()
        for name, queryset in _caches(mine).items():
            django = _caches(theirs)[name]
            assert type(queryset) is type(django) and queryset.model is django.model, name
            assert queryset._prefetch_done and django._prefetch_done, name
            assert queryset._result_cache is not None, name
            if name != "bylines":  # prefetched through a Prefetch() with its own queryset (select_related)
                assert str(queryset.query) == str(django.query), name
    with django_assert_num_queries(0):
        prefetch_related_objects([loaded], "bylines", "tags", "corrections", "featured_image__renditions")
        assert [b.author.pk for b in loaded.bylines.all()] == [b.author.pk for b in expected.bylines.all()]


def test_an_article_without_parts_gets_empty_lists(django_assert_num_queries):
    article = Article.objects.for_page().get(pk=make_article(authors=()).pk)
    with django_assert_num_queries(1):
        attach_page_parts(article)
    with django_assert_num_queries(0):
        assert list(article.bylines.all()) == list(article.tags.all()) == list(article.corrections.all()) == []


def test_the_filled_relations_still_query_when_filtered(article):
    """What is put in place is each relation's own queryset with its results: asking it anything else queries the
    relation, not the whole table."""
    loaded = attach_page_parts(Article.objects.for_page().get(pk=article.pk))
    other = make_article()
    other.corrections.create(text_ar="تصحيح لمقال آخر")
    assert loaded.corrections.filter(kind="correction").count() == 1
    assert loaded.tags.filter(name="الميادين").exists()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_related_articles_statement_sees_what_published_and_translated_see(language):
    """The rule the related articles' SQL applies is the ORM's: published or scheduled and due, translated."""
    from django.db import connection

    from articles.loading import _visible

    hour = timedelta(hours=1)
    for status in Article.Status.values:
        for published_at in (timezone.now() - hour, timezone.now() + hour, None):
            if status in ("published", "scheduled") and published_at is None:
                continue
            make_article(status=status, published_at=published_at)
            make_article(status=status, published_at=published_at, headline_en="In English")
            make_article(status=status, published_at=published_at, headline_en="No body", body_en="")
    condition, params = _visible(language)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.id FROM articles_article a WHERE {condition}", params)  # noqa: S608 - ours
        found = {row[0] for row in cursor.fetchall()}
    expected = set(Article.objects.published().translated(language).values_list("pk", flat=True))
    assert found == expected and len(expected) >= 2


def test_related_articles_are_built_with_their_sections(django_assert_num_queries):
    from articles.loading import related_articles

    article = make_article(headline_en="Bread")
    article.tags.add("الخبز")
    other = make_article(headline_ar="خبز الرقة", headline_en="Raqqa bread")
    other.tags.add("الخبز")
    stored = Article.objects.get(pk=other.pk)
    with django_assert_num_queries(2):  # the article's tags, then the statement
        related = related_articles(article, language="en")
    with django_assert_num_queries(0), override("en"):
        assert [(r.pk, r.headline, r.section.name, r.get_absolute_url()) for r in related] == [
            (other.pk, "Raqqa bread", other.section.name_en, other.get_absolute_url())
        ]
        assert related[0].published_at == stored.published_at
