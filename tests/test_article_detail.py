"""The article page: canonical URL with id and Arabic slug, redirects, language handling, safe body."""

import re
from urllib.parse import unquote

import pytest

from articles.models import Article, Image
from articles.services.images import image_store
from tests import photos
from tests.conftest import html_root_attributes
from tests.factories import make_article, make_author


@pytest.mark.django_db
def test_canonical_url_carries_id_and_arabic_slug(client):
    article = make_article(headline_ar="قوات محلية تسيطر على الباغوز")
    assert unquote(article.get_absolute_url()) == f"/news/{article.pk}/قوات-محلية-تسيطر-على-الباغوز/"
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "قوات محلية تسيطر على الباغوز" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/news/{pk}/", "/news/{pk}/old-slug/", "/news/{pk}/%D8%AE%D8%B7%D8%A3/"])
def test_wrong_or_missing_slug_redirects_permanently(client, path):
    article = make_article()
    url = article.get_absolute_url()
    response = client.get(path.format(pk=article.pk))
    assert response.status_code == 301
    assert response["Location"] == url


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED])
def test_unpublished_articles_are_not_found(client, status):
    article = make_article(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_english_page_of_a_translated_article(client):
    article = make_article(headline_en="Ferries return", body_en="<p>The river is a road again.</p>")
    response = client.get(f"/en{article.get_absolute_url()}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html_root_attributes(html) == ("en", "ltr")
    assert "Ferries return" in html and "The river is a road again." in html


@pytest.mark.django_db
def test_english_url_of_an_untranslated_article_sends_readers_to_the_arabic_original(client):
    url = make_article().get_absolute_url()
    response = client.get(f"/en{url}")
    assert response.status_code == 302
    assert response["Location"] == url


@pytest.mark.django_db
def test_body_html_is_sanitised_on_output(client):
    article = make_article(
        body_ar='<p onclick="steal()">نص <a href="javascript:alert(1)">رابط</a></p><script>alert(1)</script>'
        '<h2 dir="rtl">عنوان فرعي</h2><img src="https://tracker.example/p.gif">'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p>نص <a rel="noopener noreferrer">رابط</a></p>' in html
    assert '<h2 dir="rtl">عنوان فرعي</h2>' in html
    assert "alert(1)" not in html and "steal()" not in html and "tracker.example" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("authors", [1, 4])
def test_article_page_query_count_is_fixed(client, page_queries, authors):
    article = make_article(authors=[make_author() for _ in range(authors)])
    article.corrections.create(text_ar="تصحيح")
    article.tags.add("الرقة")
    make_article(section=article.section).tags.add("الرقة")
    # The article with its section and photo; its bylines, tags, corrections and renditions (one query,
    # articles/loading.py); the related articles; the approved comments; the sections menu.
    with page_queries(5):
        client.get(article.get_absolute_url())


@pytest.mark.django_db
def test_corrections_and_updates_appear_in_each_language(client):
    article = make_article(headline_en="Ferries return")
    article.corrections.create(text_ar="صُحّح عدد الركاب إلى عشرين.", text_en="The number of passengers was corrected.")
    article.corrections.create(kind="update", text_ar="عادت العبارة الثانية إلى العمل.")
    url = article.get_absolute_url()
    arabic, english = client.get(url).content.decode(), client.get(f"/en{url}").content.decode()
    assert "تصحيحات وتحديثات" in arabic and "صُحّح عدد الركاب" in arabic and "عادت العبارة الثانية" in arabic
    assert "The number of passengers was corrected." in english
    assert "عادت العبارة الثانية" not in english  # no Arabic text on the English page


@pytest.mark.django_db
def test_the_featured_photo_is_a_picture_with_webp_and_jpeg_renditions(client, page_queries):
    image = image_store(image=Image(alt_ar="عبّارة على الفرات", credit_ar="ليلى"), upload=photos.camera_jpeg(2400, 1600))
    article = make_article(featured_image=image, authors=[make_author()])
    with page_queries(5):  # as above: the renditions come with the article's other parts
        html = client.get(article.get_absolute_url()).content.decode()
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', html).group(1)
    assert [part.split()[-1] for part in webp.split(", ")] == ["480w", "960w", "1600w"]
    img = re.search(r"<img [^>]+>", html).group()
    assert 'alt="عبّارة على الفرات"' in img and 'width="960" height="1440"' in img
    assert "/media/renditions/" in img and "originals" not in html


@pytest.mark.django_db
def test_inline_photos_are_kept_only_from_our_own_renditions():
    article = make_article(
        body_ar='<figure><img src="/media/renditions/ab/abc.jpg" alt="قارب"><figcaption>تعليق</figcaption></figure>'
        '<p><img src="https://tracker.example/pixel.gif" alt="متتبع"></p>'
        '<table><tbody><tr><td colspan="2">خلية</td></tr></tbody></table>'
    )
    article.full_clean()  # the rich-text field sanitises on validation, as the admin does
    photo = re.search(r'<img src="/media/renditions/ab/abc.jpg" alt="قارب"[^>]*>', article.body_ar).group()
    assert 'loading="lazy"' in photo  # below the fold: fetched as the reader scrolls
    assert "<figcaption>تعليق</figcaption>" in article.body_ar
    assert "tracker.example" not in article.body_ar
    assert '<td colspan="2">خلية</td>' in article.body_ar
