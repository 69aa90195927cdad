"""Private previews of unpublished articles: for editors and the article's authors, never cached or indexed."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_staff, sign_in


@pytest.fixture
def draft(db):
    return make_article(
        status=Article.Status.DRAFT, headline_ar="مسودة سرية", created_by=make_staff("rana", "reporter")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("rana", 200), ("editor", 200), ("sami", 404), ("anonymous", 302)])
def test_who_may_preview_a_draft(client, draft, who, status):
    if who == "editor":
        sign_in(client, make_staff("hala", "editor"))
    elif who == "sami":
        sign_in(client, make_staff("sami", "reporter"))
    elif who == "rana":
        sign_in(client, draft.created_by)
    response = client.get(reverse("articles:article_preview", args=[draft.pk]))
    assert response.status_code == status
    if status == 200:
        assert "مسودة سرية" in response.content.decode()


@pytest.mark.django_db
def test_previews_are_never_cached_or_indexed(client, draft):
    sign_in(client, draft.created_by)
    response = client.get(reverse("articles:article_preview", args=[draft.pk]))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "معاينة" in html
    assert client.get(draft.get_absolute_url()).status_code == 404  # still not public


@pytest.mark.django_db
def test_english_preview_is_left_to_right(client, draft):
    draft.headline_en = "A secret draft"
    draft.save()
    sign_in(client, draft.created_by)
    html = client.get("/en" + reverse("articles:article_preview", args=[draft.pk])).content.decode()
    assert '<html lang="en" dir="ltr">' in html and "A secret draft" in html


@pytest.mark.django_db
def test_the_english_preview_of_an_untranslated_article_says_so_and_leads_to_the_arabic(client, draft):
    sign_in(client, draft.created_by)
    html = client.get("/en" + reverse("articles:article_preview", args=[draft.pk])).content.decode()
    assert "This article is not written in this language yet" in html
    assert f'<a href="/preview/{draft.pk}/" lang="ar" hreflang="ar">' in html
    arabic = client.get(f"/preview/{draft.pk}/").content.decode()
    assert "مسودة سرية" in arabic and "preview-banner" in arabic
    assert arabic.count('class="preview-banner"') == 1  # the original needs no such notice
