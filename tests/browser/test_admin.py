"""The editors' desk runs under the same strict CSP as the reader pages, in Arabic, right to left."""

import pytest
from django.contrib.auth import get_user_model

from tests.browser.signing import sign_in_with_app
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_logs_in_and_opens_an_article_in_an_arabic_admin_without_csp_violations(page):
    get_user_model().objects.create_superuser("hala", "hala@example.org", "a long enough passphrase")
    article = make_article(headline_ar="تقرير للتحرير")
    page.goto("/admin/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    sign_in_with_app(page, "hala", "a long enough passphrase")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    assert page.input_value("#id_headline_ar") == "تقرير للتحرير"
    assert page.evaluate("getComputedStyle(document.querySelector('#id_headline_en')).direction") == "ltr"
    assert page.evaluate("getComputedStyle(document.querySelector('#id_headline_ar')).direction") == "rtl"
    # The rich-text editors: each editable area takes its content's direction inside the right-to-left admin.
    direction = "el => getComputedStyle(el.querySelector('.ProseMirror')).direction"
    assert page.locator(".field-body_ar").evaluate(direction) == "rtl"
    assert page.locator(".field-body_en").evaluate(direction) == "ltr"
    page.goto("/admin/articles/article/add/")
    assert page.locator("#id_headline_ar").is_visible()
    assert page.console_errors == []
