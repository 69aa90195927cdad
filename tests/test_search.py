"""Search: Arabic spelling variants and affixes find the same words, on SQLite and on PostgreSQL."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, Tag
from tests.factories import make_article, make_author


@pytest.fixture
def articles(db):
    return {
        "ahmad": make_article(headline_ar="أحمد يعود إلى مدينة الرقة", body_ar="<p>بعد غياب طويل.</p>"),
        "forces": make_article(headline_ar="قوات محلية تنتشر في الميادين", body_ar="<p>انتشار واسع.</p>"),
        "hospital": make_article(headline_ar="افتتاح المستشفى الوطني", body_ar="<p>بعد الترميم.</p>"),
        "english": make_article(headline_ar="الخبز", headline_en="Bread prices rise again", body_en="<p>Bakers.</p>"),
        "draft": make_article(headline_ar="أحمد في مسودة", status=Article.Status.DRAFT),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ("احمد", "ahmad"),  # hamza
        ("أحمد", "ahmad"),
        ("مدينه", "ahmad"),  # taa marbuta
        ("المدينة", "ahmad"),  # article
        ("القوات", "forces"),  # article on the query side
        ("والقوات", "forces"),  # conjunction and article
        ("مستشفى", "hospital"),  # alef maqsura, article on the document side
        ("مُسْتَشْفَى", "hospital"),  # tashkeel
        ("الرقـــة", "ahmad"),  # tatweel
        ("bread", "english"),
        ("BREAD prices", "english"),
    ],
)
def test_spelling_variants_find_the_article(articles, typed, finds):
    found = list(Article.objects.published().search(typed))
    assert articles[finds] in found, connection.vendor
    assert articles["draft"] not in found


@pytest.mark.django_db
def test_every_word_must_match(articles):
    assert list(Article.objects.published().search("أحمد الرقة")) == [articles["ahmad"]]
    assert list(Article.objects.published().search("أحمد الميادين")) == []


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["", "   ", "!!! ؟؟ ...", "&:*|!()"])
def test_queries_without_words_find_nothing_and_break_nothing(articles, typed):
    assert list(Article.objects.published().search(typed)) == []


@pytest.mark.django_db
def test_search_page_highlights_and_counts(client, articles):
    html = client.get("/search/", {"q": "احمد"}).content.decode()
    assert "<mark>أحمد</mark> يعود إلى مدينة الرقة" in html
    assert "نتيجة واحدة" in html


@pytest.mark.django_db
def test_english_search_page_finds_english_articles_only(client, articles):
    html = client.get("/en/search/", {"q": "bread"}).content.decode()
    assert "<mark>Bread</mark> prices rise again" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({}, "اكتب كلمة أو اسماً"),
        ({"q": "؟؟؟ !!!"}, "لا توجد كلمات"),
        ({"q": "كلمةلاوجودلها"}, "لا شيء يطابق"),
        ({"q": "أحمد " * 100}, "كان بحثك طويلاً"),
        ({"q": "<script>alert(1)</script>"}, "لا شيء يطابق"),
    ],
)
def test_odd_queries_get_a_helpful_page(client, articles, params, says):
    response = client.get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert says in html and "<script>alert(1)" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("matches", [1, 15])
def test_search_page_query_count(client, page_queries, matches):
    for number in range(matches):
        make_article(headline_ar=f"خبر عن الرقة رقم {number}")
    # Matching tags and writers, the count, the articles with sections, their bylines, the sections menu.
    with page_queries(6):
        assert client.get("/search/", {"q": "الرقة"}).status_code == 200


@pytest.mark.django_db
def test_the_index_follows_edits_and_deletions(articles):
    article = articles["forces"]
    article.headline_ar = "الجسر يعود إلى العمل"
    article.save()
    assert list(Article.objects.published().search("الجسر")) == [article]
    assert article not in Article.objects.published().search("قوات")
    article.delete()
    assert list(Article.objects.published().search("الجسر")) == []


@pytest.mark.django_db
def test_more_matching_words_rank_higher(db):
    once = make_article(headline_ar="الرقة اليوم", body_ar="<p>خبر قصير.</p>")
    often = make_article(headline_ar="الرقة الرقة", body_ar="<p>الرقة وأهل الرقة في الرقة.</p>")
    assert list(Article.objects.published().search("الرقة"))[:2] == [often, once]


@pytest.mark.django_db
def test_search_suggests_tags_and_writers_by_name(client):
    make_article().tags.add("الباغوز")
    make_author(name_ar="ليلى الحسن", name_en="Layla al-Hassan")
    html = client.get("/search/", {"q": "باغوز"}).content.decode()
    assert 'dir="auto">الباغوز</a>' in html
    assert "<bdi>ليلى الحسن</bdi>" in client.get("/search/", {"q": "ليلى"}).content.decode()


@pytest.mark.django_db
def test_a_slip_of_the_keyboard_still_finds_the_tag_on_postgresql(db):
    """Trigram similarity is PostgreSQL's (pg_trgm); SQLite matches the normalised name as typed."""
    make_article().tags.add("الباغوز")
    found = [tag.name for tag in Tag.objects.matching("الباغوذ")]  # ذ typed for ز
    assert found == (["الباغوز"] if connection.vendor == "postgresql" else [])
    assert [tag.name for tag in Tag.objects.matching("البَاغُوز")] == ["الباغوز"]


@pytest.mark.django_db
def test_a_word_in_much_of_the_archive_ranks_the_newest_matches(client, monkeypatch):
    """On PostgreSQL search ranks the newest SEARCH_CANDIDATES matches only, so a common word costs what a rare one
    does, and the page says there are more; SQLite ranks every match."""
    monkeypatch.setattr("articles.models.SEARCH_CANDIDATES", 3)
    monkeypatch.setattr("articles.views.SEARCH_CANDIDATES", 3)
    now = timezone.now()
    for hours in range(1, 6):
        make_article(headline_ar=f"الحصاد في قرية رقم {hours}", published_at=now - timedelta(hours=hours))
    html = client.get("/search/", {"q": "الحصاد"}).content.decode()
    found = re.findall(r"قرية رقم (\d)", html)
    if connection.vendor == "postgresql":
        assert sorted(found) == ["1", "2", "3"]  # the three newest
        assert "أكثر من 3 نتائج: رُتّبت أحدثها." in html
    else:
        assert sorted(found) == ["1", "2", "3", "4", "5"]
        assert "5 نتائج" in html
