"""Errors reach readers as plain pages in their language: never a traceback, never a blank server page."""

import pytest
from django.test import Client

from tests.conftest import html_root_attributes


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.urls_errors"
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang", "direction", "text"),
    [("/no-such-page/", "ar", "rtl", "الصفحة غير موجودة"), ("/en/no-such-page/", "en", "ltr", "Page not found")],
)
def test_404_page(client, path, lang, direction, text):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert html_root_attributes(html) == (lang, direction)
    assert text in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang", "text"), [("/fail/", "ar", "حدث خطأ"), ("/en/fail/", "en", "Something went wrong")]
)
def test_500_page_shows_no_traceback(failing_site, path, lang, text):
    response = failing_site.get(path)
    assert response.status_code == 500
    html = response.content.decode()
    assert html_root_attributes(html)[0] == lang
    assert text in html
    assert "Traceback" not in html and "RuntimeError" not in html and "must not reach" not in html


@pytest.mark.django_db
def test_403_page(failing_site):
    response = failing_site.get("/forbid/")
    assert response.status_code == 403
    assert "ليس لديك إذن" in response.content.decode()


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_translated_403():
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "انتهت صلاحية هذا النموذج" in response.content.decode()


@pytest.mark.django_db
def test_a_forged_host_gets_the_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "طلب غير صالح" in response.content.decode()


@pytest.mark.django_db
def test_language_switch_on_a_404_page_leads_to_the_other_home_page(client):
    assert 'href="/en/" lang="en"' in client.get("/no-such-page/").content.decode()
    assert 'href="/" lang="ar"' in client.get("/en/no-such-page/").content.decode()
