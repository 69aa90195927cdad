"""The front page lists what readers may see, in their language, in a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section


@pytest.mark.django_db
def test_arabic_home_lists_published_articles_newest_first(client):
    older = make_article(headline_ar="خبر الأمس", published_at=timezone.now() - timedelta(days=1))
    newer = make_article(headline_ar="خبر اليوم")
    html = client.get("/").content.decode()
    assert html.index(newer.headline_ar) < html.index(older.headline_ar)
    assert f'href="{newer.get_absolute_url()}"' in html


@pytest.mark.django_db
def test_drafts_and_future_articles_stay_off_the_home_page(client):
    make_article(headline_ar="مسودة لم تكتمل", status=Article.Status.DRAFT)
    make_article(headline_ar="مقال مجدول للغد", published_at=timezone.now() + timedelta(days=1))
    make_article(headline_ar="مقال مسحوب", status=Article.Status.UNPUBLISHED)
    html = client.get("/").content.decode()
    assert "مسودة لم تكتمل" not in html
    assert "مقال مجدول للغد" not in html
    assert "مقال مسحوب" not in html
    assert "لم يُنشر أي مقال بعد." in html


@pytest.mark.django_db
def test_english_home_lists_only_articles_translated_into_english(client):
    make_article(headline_ar="خبر بالعربية فقط")
    make_article(headline_ar="خبر مترجم", headline_en="A translated story", standfirst_en="In English too.")
    html = client.get("/en/").content.decode()
    assert "A translated story" in html and "In English too." in html
    assert "خبر بالعربية فقط" not in html
    assert "خبر مترجم" not in html


@pytest.mark.django_db
def test_byline_names_every_author_in_order_inside_bdi(client):
    first, second = make_author(name_ar="ليلى الحسن"), make_author(name_ar="John Smith")
    make_article(authors=[first, second])
    html = client.get("/").content.decode()
    assert "بقلم <bdi>ليلى الحسن</bdi>، <bdi>John Smith</bdi>" in html


@pytest.mark.django_db
def test_section_counts_use_arabic_plurals(client):
    one, two, eleven = make_section(name_ar="سياسة"), make_section(name_ar="اقتصاد"), make_section(name_ar="ثقافة")
    make_article(section=one)
    for _ in range(2):
        make_article(section=two)
    for _ in range(11):
        make_article(section=eleven)
    make_article(section=one, status=Article.Status.DRAFT)
    html = client.get("/").content.decode()
    assert re.search(r"سياسة</span>\s*<span[^>]*><bdi>مقال واحد</bdi>", html)
    assert re.search(r"اقتصاد</span>\s*<span[^>]*><bdi>مقالان</bdi>", html)
    assert re.search(r"ثقافة</span>\s*<span[^>]*><bdi>11 مقالًا</bdi>", html)


@pytest.mark.django_db
def test_dates_use_the_arabic_format_module(client):
    make_article(published_at=timezone.make_aware(timezone.datetime(2019, 3, 23, 17, 5)))
    html = client.get("/").content.decode()
    assert "23 مارس 2019" in html


@pytest.mark.django_db
def test_language_switch_goes_to_the_same_page_in_the_other_language(client):
    url = make_article(headline_en="English headline").get_absolute_url()
    assert 'href="/en/" lang="en" hreflang="en"' in client.get("/").content.decode()
    assert 'href="/" lang="ar" hreflang="ar"' in client.get("/en/").content.decode()
    assert f'href="/en{url}" lang="en"' in client.get(url).content.decode()
    assert f'href="{url}" lang="ar"' in client.get(f"/en{url}").content.decode()


@pytest.mark.django_db
def test_home_is_paginated(client):
    section = make_section()
    for _ in range(21):
        make_article(section=section)
    first, second = client.get("/"), client.get("/?page=2")
    assert first.content.decode().count('<article class="story') == 20
    assert second.content.decode().count('<article class="story') == 1
    assert "الصفحة 2 من 2" in second.content.decode()
    assert client.get("/?page=99").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("articles", [1, 15])
def test_home_query_count_does_not_grow_with_articles_or_authors(client, django_assert_num_queries, articles):
    """Sections with counts, the paginator's count, the articles with their section, their bylines: 4 queries."""
    authors = [make_author() for _ in range(3)]
    for _ in range(articles):
        make_article(authors=authors)
    with django_assert_num_queries(4):
        response = client.get("/")
    assert response.status_code == 200
