"""The editors' desk (Django admin) through the client: forms save, and refuse with translated messages."""

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article, Section
from tests.factories import make_section


@pytest.fixture
def editor_client(client):
    client.force_login(get_user_model().objects.create_superuser("hala", "hala@example.org", "unused password"))
    return client


def _article_form(section, **fields):
    return {
        "headline_ar": "تقرير جديد من الميادين",
        "headline_en": "",
        "standfirst_ar": "",
        "standfirst_en": "",
        "body_ar": "<p>نص</p>",
        "body_en": "",
        "slug": "",
        "section": section.pk,
        "dateline_ar": "",
        "dateline_en": "",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        **fields,
    }


@pytest.mark.django_db
def test_an_article_saved_with_an_empty_slug_gets_one_from_the_arabic_headline(editor_client):
    response = editor_client.post("/admin/articles/article/add/", _article_form(make_section()))
    assert response.status_code == 302, response.context["adminform"].errors
    assert Article.objects.get().slug == "تقرير-جديد-من-الميادين"


@pytest.mark.django_db
def test_publishing_without_a_time_is_refused_with_an_arabic_message(editor_client):
    response = editor_client.post(
        "/admin/articles/article/add/", _article_form(make_section(), status=Article.Status.PUBLISHED)
    )
    assert response.status_code == 200
    assert "يحتاج المقال المنشور أو المجدول إلى وقت نشر." in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_an_article_without_an_arabic_headline_is_refused(editor_client):
    response = editor_client.post(
        "/admin/articles/article/add/", _article_form(make_section(), headline_ar="", headline_en="English only")
    )
    assert response.status_code == 200
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_admin_is_closed_to_anonymous_visitors(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_a_section_saved_with_an_empty_slug_gets_one_from_the_arabic_name(editor_client):
    response = editor_client.post(
        "/admin/articles/section/add/", {"name_ar": "تقارير ميدانية", "name_en": "", "slug": "", "position": "0"}
    )
    assert response.status_code == 302
    assert Section.objects.get().slug == "تقارير-ميدانية"
