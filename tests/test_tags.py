"""Tags: places and actors, one tag per name whatever its Arabic spelling."""

from urllib.parse import quote

import pytest
from taggit.utils import parse_tags

from articles.models import Article, Tag, TaggedArticle
from tests.factories import make_article


@pytest.mark.django_db
def test_spelling_variants_resolve_to_one_tag():
    first, second = make_article(), make_article()
    first.tags.add("الباغوز", "غزة")
    second.tags.add("باغوز", "البَاغُوز", "غزه", "الـبـاغوز")
    assert Tag.objects.count() == 2
    assert sorted(second.tags.names()) == ["الباغوز", "غزة"]  # the first spelling entered is shown
    assert set(Article.objects.filter(tags__name="الباغوز")) == {first, second}


@pytest.mark.django_db
def test_set_replaces_an_articles_tags_through_the_same_matching():
    article = make_article()
    article.tags.set(["دير الزور", "Raqqa"])
    article.tags.set(["ديرالزور", "دير الزور", "RAQQA", "الحسكة"])
    assert sorted(article.tags.names()) == ["Raqqa", "الحسكة", "دير الزور", "ديرالزور"]
    assert Tag.objects.count() == 4


@pytest.mark.django_db
def test_tags_that_normalise_to_nothing_are_ignored():
    article = make_article()
    article.tags.add("ـــ", "\u200f", "الرقة")
    assert list(article.tags.names()) == ["الرقة"]


@pytest.mark.django_db
def test_tag_slugs_keep_arabic_and_drop_tatweel():
    tag = Tag.objects.for_name("قوات  سوريا الديمقراطيـة")
    assert tag.name == "قوات سوريا الديمقراطيـة"
    assert tag.slug == "قوات-سوريا-الديمقراطية"
    assert quote(tag.slug).startswith("%D9%82")


@pytest.mark.django_db
def test_the_through_model_has_a_real_foreign_key_to_article():
    article = make_article()
    article.tags.add("الميادين")
    link = TaggedArticle.objects.select_related("content_object", "tag").get()
    assert link.content_object == article
    assert TaggedArticle._meta.get_field("content_object").related_model is Article


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("دير الزور", ["دير الزور"]),
        ("دير الزور، قوات سوريا الديمقراطية", ["دير الزور", "قوات سوريا الديمقراطية"]),
        ("Raqqa, دير  الزور ,، ", ["Raqqa", "دير الزور"]),
        ("", []),
    ],
)
def test_tags_are_typed_separated_by_latin_or_arabic_commas(typed, names):
    assert parse_tags(typed) == names
