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
    make_article(headline_ar="عنوان مترجم فقط", headline_en="A headline without a body", body_en="")
    html = client.get("/en/").content.decode()
    assert "A translated story" in html and "In English too." in html
    assert "خبر بالعربية فقط" not in html
    assert "خبر مترجم" not in html
    assert "A headline without a body" not in html


@pytest.mark.django_db
def test_byline_names_every_author_in_order_inside_bdi(client):
    first, second = make_author(name_ar="ليلى الحسن"), make_author(name_ar="John Smith")
    make_article(authors=[first, second])
    html = client.get("/").content.decode()
    assert re.search(
        rf'بقلم <a href="{re.escape(first.get_absolute_url())}"><bdi>ليلى الحسن</bdi></a>، '
        rf'<a href="{re.escape(second.get_absolute_url())}"><bdi>John Smith</bdi></a>',
        html,
    )


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
    """The first page: the top (a lead and four featured stories) and twenty more; the second, what follows."""
    section = make_section()
    for _ in range(26):
        make_article(section=section)
    first, second = client.get("/"), client.get("/?page=2")
    first, second = first.content.decode(), second.content.decode()
    assert first.count('<article class="story') == 25 and second.count('<article class="story') == 1
    # The archive is not counted (articles/pagination.py): «page 2», with a link to newer stories and none older.
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first
    assert "الصفحة 2</span>" in second and 'rel="prev" href="?page=1"' in second and 'rel="next"' not in second
    for page in ("99", "0", "-1", "two", "1.5", "last", "461168601842738792", "9" * 40):
        assert client.get(f"/?page={page}").status_code == 404, page


@pytest.mark.django_db
def test_exactly_one_page_of_articles_has_no_pager(client):
    section = make_section()
    for _ in range(25):
        make_article(section=section)
    html = client.get("/").content.decode()
    assert html.count('<article class="story') == 25 and 'class="pagination"' not in html
    assert client.get("/?page=2").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("articles", [1, 15])
def test_home_query_count_does_not_grow_with_articles_or_authors(client, page_queries, articles):
    """Six queries: the arrangement in force (none here), the articles with their sections (the top's and the
    list's together, no count of the archive), their bylines, the sections, the newest of each section, and the
    masthead's sections menu."""
    authors = [make_author() for _ in range(3)]
    for _ in range(articles):
        make_article(authors=authors)
    with page_queries(6):
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_language_switch_on_an_untranslated_article_leads_to_the_english_home(client):
    url = make_article().get_absolute_url()
    html = client.get(url).content.decode()
    assert 'href="/en/" lang="en" hreflang="en"' in html
    assert 'hreflang="en"' not in html.split("</head>")[0]  # no English alternate announced to search engines


@pytest.mark.django_db
def test_hreflang_alternates_name_both_versions_of_a_translated_article(client):
    url = make_article(headline_en="Ferries return").get_absolute_url()
    head = client.get(url).content.decode().split("</head>")[0]
    assert f'<link rel="alternate" hreflang="ar" href="http://testserver{url}">' in head
    assert f'<link rel="alternate" hreflang="en" href="http://testserver/en{url}">' in head


@pytest.mark.django_db
def test_language_switch_drops_the_query_string(client):
    make_article()
    assert 'href="/en/" lang="en"' in client.get("/?page=1").content.decode()


@pytest.mark.django_db
def test_english_page_shows_no_arabic_article_text_but_keeps_arabic_names_isolated(client):
    section = make_section(name_ar="تقارير ميدانية", name_en="")
    author = make_author(name_ar="ليلى الحسن", name_en="")
    url = make_article(
        section=section,
        authors=[author],
        headline_en="Ferries return",
        standfirst_ar="موجز عربي",
        dateline_ar="الميادين",
    ).get_absolute_url()
    html = client.get(f"/en{url}").content.decode()
    assert "موجز عربي" not in html and "الميادين" not in html and "نص الخبر" not in html
    assert "<bdi>تقارير ميدانية</bdi>" in html and "<bdi>ليلى الحسن</bdi>" in html


@pytest.mark.django_db
def test_home_shows_the_newest_three_of_each_section(client):
    politics, culture = make_section(name_ar="سياسة"), make_section(name_ar="ثقافة")
    for hours in range(5):
        make_article(
            section=politics, headline_ar=f"سياسة {hours}", published_at=timezone.now() - timedelta(hours=hours)
        )
    make_article(section=culture, headline_ar="ثقافة وحيدة")
    html = client.get("/").content.decode()
    block = html[html.index(f'id="section-block-{politics.pk}"') :]
    block = block[: block.index("</section>")]
    assert [f"سياسة {hours}" in block for hours in range(5)] == [True, True, True, False, False]
    assert 'id="section-block-' + str(culture.pk) + '"' in html


def _photo(alt):
    from articles.models import Image
    from articles.services.images import image_store
    from tests import photos

    return image_store(image=Image(alt_ar=alt, caption_ar="تعليق"), upload=photos.camera_jpeg(width=1200, height=675))


@pytest.mark.django_db
@pytest.mark.parametrize("illustrated", [2, 5])
def test_cards_show_their_photos_with_the_lead_first_and_the_rest_lazy(client, page_queries, illustrated):
    """Photos cost one query however many cards show one; width and height keep the page from shifting; only the
    lead's is fetched at once."""
    for number in range(illustrated):
        make_article(headline_ar=f"خبر مصوّر {number}", featured_image=_photo(f"صورة الخبر {number}"))
    make_article(headline_ar="خبر بلا صورة", published_at=timezone.now() - timedelta(days=2))
    with page_queries(7):
        html = client.get("/").content.decode()
    cards = re.findall(r'<article class="story[^"]*">.*?</article>', html, re.DOTALL)
    lead, others = cards[0], cards[1:]
    assert 'class="story story--lead story--photo"' in lead
    assert 'loading="eager" fetchpriority="high"' in lead and f'alt="صورة الخبر {illustrated - 1}"' in lead
    assert re.search(r'<img src="[^"]+" srcset="[^"]+ 480w[^"]*" sizes="[^"]+" width="\d+" height="\d+"', lead)
    with_photos = [card for card in others if "story__photo" in card]
    assert len(with_photos) == illustrated - 1 and all('loading="lazy"' in card for card in with_photos)
    assert "story__photo" not in next(card for card in others if "خبر بلا صورة" in card)
