"""Every page, including errors and the admin, carries a strict CSP and the other security headers."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_article

PAGES = ["/", "/en/", "/no-such-page/", "/en/no-such-page/", "/admin/login/", "/healthz"]


def _directives(header):
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_strict_content_security_policy(client, path):
    response = client.get(path)
    directives = _directives(response["Content-Security-Policy"])
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert not any("unsafe" in value or value in {"*", "data:", "https:"} for v in directives.values() for value in v)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_other_security_headers(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client):
    """A strict CSP blocks inline code, so none may exist: no <script> without src, no <style>, no style= or
    on*= attributes, in our pages or the admin's."""
    article = make_article(body_ar='<p style="color:red" onclick="x()">نص</p><script>alert(1)</script>')
    paths = ["/", "/en/", article.get_absolute_url(), "/no-such-page/", reverse("admin:login")]
    for path in paths:
        html = client.get(path, follow=True).content.decode()
        # JSON-LD is a data block, never executed, so no CSP governs it; anything else needs a src.
        assert not re.search(r'<script(?![^>]*\b(src=|type="application/ld\+json"))[^>]*>', html), path
        assert not re.search(r"<style\b", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


@pytest.mark.django_db
def test_a_forged_host_is_refused(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "language"), [("/", "ar"), ("/en/", "en"), ("/no-such-page/", "ar")])
def test_language_comes_from_the_url_alone(client, path, language):
    """No `Vary: Accept-Language`: a browser's language preference changes nothing, so caches need not split."""
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en" if language == "ar" else "ar")
    assert response["Content-Language"] == language
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.django_db
def test_https_redirect_spares_the_health_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
