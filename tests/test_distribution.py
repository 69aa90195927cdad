"""Feeds, sitemaps and robots.txt: valid XML, the right articles, each language's addresses."""

from datetime import timedelta
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def articles(db):
    section, author = make_section(name_ar="اقتصاد", name_en="Economy"), make_author(name_ar="عمر")
    translated = make_article(section=section, authors=[author], headline_ar="الخبز يغلو", headline_en="Bread")
    translated.tags.add("الرقة")
    arabic = make_article(section=section, authors=[author], headline_ar="خبر بالعربية")
    arabic.tags.add("الرقة")
    old = make_article(headline_ar="خبر قديم", published_at=timezone.now() - timedelta(days=5))
    draft = make_article(headline_ar="مسودة", status=Article.Status.DRAFT)
    return {"translated": translated, "arabic": arabic, "old": old, "draft": draft, "section": section,
            "author": author, "tag": translated.tags.get()}  # fmt: skip


def _xml(response):
    assert response.status_code == 200
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own output, parsed to check it


@pytest.mark.django_db
def test_site_feeds_in_each_language(client, articles):
    arabic = _xml(client.get("/feed/"))
    titles = [item.findtext("title") for item in arabic.iter("item")]
    assert titles[:2] == ["خبر بالعربية", "الخبز يغلو"] and "مسودة" not in titles
    assert arabic.find("channel/language").text == "ar"
    english = _xml(client.get("/en/feed/"))
    assert [item.findtext("title") for item in english.iter("item")] == ["Bread"]
    assert english.find("channel/item/link").text.startswith("http://testserver/en/news/")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_subject_feeds_are_discoverable_and_list_their_articles(client, articles, kind):
    page = client.get(articles[kind].get_absolute_url()).content.decode()
    feed_url = f"{articles[kind].get_absolute_url()}feed/"
    assert 'type="application/rss+xml"' in page and f'href="{feed_url}"' in page
    titles = [item.findtext("title") for item in _xml(client.get(feed_url)).iter("item")]
    assert set(titles) == {"الخبز يغلو", "خبر بالعربية"}


@pytest.mark.django_db
def test_every_page_links_the_site_feed(client, articles):
    assert '<link rel="alternate" type="application/rss+xml" title="صدى الفرات" href="/feed/">' in (
        client.get("/").content.decode()
    )


@pytest.mark.django_db
def test_sitemap_lists_published_articles_with_their_languages(client, articles):
    root = _xml(client.get("/sitemap.xml"))
    entries = {unquote(url.findtext(f"{SITEMAP}loc")): url for url in root.iter(f"{SITEMAP}url")}
    translated, arabic = articles["translated"], articles["arabic"]
    assert f"http://testserver/news/{translated.pk}/{translated.slug}/" in entries
    assert f"http://testserver/en/news/{translated.pk}/{translated.slug}/" in entries
    assert f"http://testserver/news/{arabic.pk}/{arabic.slug}/" in entries
    assert f"http://testserver/en/news/{arabic.pk}/{arabic.slug}/" not in entries  # no English version
    assert not any("مسودة" in loc or f"/news/{articles['draft'].pk}/" in loc for loc in entries)
    alternates = entries[f"http://testserver/news/{translated.pk}/{translated.slug}/"].findall(f"{XHTML}link")
    assert {link.get("hreflang") for link in alternates} == {"ar", "en", "x-default"}
    assert "http://testserver/" in entries and "http://testserver/en/" in entries


@pytest.mark.django_db
def test_news_sitemap_lists_the_last_48_hours(client, articles):
    root = _xml(client.get("/sitemap-news.xml"))
    news = [(url.findtext(f"{NEWS}news/{NEWS}title"), url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language"))
            for url in root.iter(f"{SITEMAP}url")]  # fmt: skip
    assert sorted(news) == sorted([("الخبز يغلو", "ar"), ("Bread", "en"), ("خبر بالعربية", "ar")])


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_the_desk_and_previews(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines and "Disallow: /preview/" in lines and "Disallow: /en/preview/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


@pytest.mark.django_db
def test_feed_and_sitemap_query_counts_do_not_grow(client, page_queries):
    for _ in range(8):
        make_article(authors=[make_author(), make_author()]).tags.add("الرقة", "دير الزور")
    with page_queries(3):  # articles with sections, bylines, tags
        client.get("/feed/")
