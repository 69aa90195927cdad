"""Section, tag and author pages: every published article about them, paginated, in both languages."""

import pytest

from articles.models import Article, AuthorLink
from tests.conftest import html_root_attributes
from tests.factories import make_article, make_author, make_section


@pytest.fixture
def newsroom(db):
    section = make_section(name_ar="تقارير ميدانية", name_en="Field reports")
    author = make_author(name_ar="ليلى الحسن", name_en="Layla al-Hassan", bio_ar="تغطي ريف دير الزور.")
    AuthorLink.objects.create(author=author, kind="x", url="https://x.example/layla")
    translated = make_article(section=section, authors=[author], headline_ar="العبارات تعود", headline_en="Ferries")
    translated.tags.add("الميادين")
    arabic_only = make_article(section=section, authors=[author], headline_ar="خبر بالعربية فقط")
    arabic_only.tags.add("الميادين")
    make_article(section=section, authors=[author], headline_ar="مسودة", status=Article.Status.DRAFT).tags.add(
        "الميادين"
    )
    return {"section": section, "author": author, "tag": translated.tags.get()}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_arabic_page_lists_its_published_articles(client, newsroom, kind):
    url = newsroom[kind].get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html_root_attributes(html) == ("ar", "rtl")
    assert "العبارات تعود" in html and "خبر بالعربية فقط" in html
    assert "مسودة" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_english_page_lists_only_english_articles(client, newsroom, kind):
    html = client.get("/en" + newsroom[kind].get_absolute_url()).content.decode()
    assert html_root_attributes(html) == ("en", "ltr")
    assert "Ferries" in html and "خبر بالعربية فقط" not in html


@pytest.mark.django_db
def test_author_page_shows_the_profile(client, newsroom):
    html = client.get(newsroom["author"].get_absolute_url()).content.decode()
    assert "<bdi>ليلى الحسن</bdi>" in html and "تغطي ريف دير الزور." in html
    assert 'href="https://x.example/layla" rel="me noopener noreferrer"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_unknown_slugs_are_not_found(client, kind):
    assert client.get(f"/{kind}/لا-يوجد/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "queries"), [("section", 5), ("tag", 4), ("author", 5)])
@pytest.mark.parametrize("articles", [1, 12])
def test_listing_query_count_does_not_grow(client, page_queries, kind, queries, articles):
    """The subject, the articles with sections (no count: articles/pagination.py), their bylines, the sections
    menu (an author page also prefetches the profile's links, a section's page reads its arrangement)."""
    section, author = make_section(), make_author()
    for _ in range(articles):
        article = make_article(section=section, authors=[author, make_author()])
        article.tags.add("الرقة", "دير الزور")
    subject = {"section": section, "author": author, "tag": article.tags.get(name="الرقة")}[kind]
    with page_queries(queries):
        assert client.get(subject.get_absolute_url()).status_code == 200
