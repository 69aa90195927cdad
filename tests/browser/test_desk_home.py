"""The desk's home and the article form as a writer finds them after an editor returned their draft with a note, in
Chromium, with axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article
from articles.services.articles import article_return_to_draft, article_submit
from tests.browser.signing import sign_in_with_app
from tests.factories import make_article, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


def violations(page):
    results = Axe().run(page, context="#content").response
    return [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]


def test_a_returned_draft_shows_its_note_on_the_desk_and_on_the_article(page):
    reporter = make_staff("desk-reporter", "reporter", password=PASSWORD)
    editor = make_staff("desk-editor", "editor", password=PASSWORD)
    article = make_article(status=Article.Status.DRAFT, headline_ar="تقرير عن السوق", created_by=reporter)
    article_submit(article=article, by=reporter)
    article_return_to_draft(article=Article.objects.get(pk=article.pk), by=editor, note="أضف أسعار الأسبوع الماضي.")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_app(page, "desk-reporter", PASSWORD)
    returned = page.locator("#editorial-queue table").filter(has_text="أُعيد إليّ")
    assert "أضف أسعار الأسبوع الماضي." in returned.inner_text() and "تقرير عن السوق" in returned.inner_text()
    assert violations(page) == []
    with page.expect_navigation():
        returned.get_by_role("link", name="تقرير عن السوق").click()
    note = page.get_by_role("note")
    assert "أضف أسعار الأسبوع الماضي." in note.inner_text() and "desk-editor" in note.inner_text()
    assert page.console_errors == []
    # Last: axe's own injected styles are refused by the form's CSP (and logged as such).
    results = Axe().run(page, context=".workflow-note").response
    assert [rule["id"] for rule in results["violations"]] == []
