"""axe-core (shipped inside axe-playwright-python) finds no accessibility violation on the reader pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_pages_have_no_axe_violations(page):
    author = make_author(name_ar="ليلى الحسن", name_en="Layla al-Hassan")
    article = make_article(headline_ar="عودة العبارات إلى الميادين", headline_en="Ferries return", authors=[author])
    article.tags.add("الميادين")
    make_article(
        section=article.section,
        headline_ar="خبر آخر من القسم",
        body_ar='<p><a href="https://vimeo.com/76979871">https://vimeo.com/76979871</a></p>',
    )
    tag = article.tags.get()
    paths = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
        "/search/?q=الميادين",
        "/privacy/",
        "/cookies/",
        "/no-such-page/",
    ]
    axe = Axe()
    checked_contrast = False
    for path in [*paths, *(f"/en{path}" for path in paths)]:
        page.goto(path)
        results = axe.run(page).response
        violations = [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]
        assert violations == [], path
        checked_contrast |= any(rule["id"] == "color-contrast" for rule in results["passes"])
    assert checked_contrast  # the contrast rule did run


def test_the_cookie_banner_with_its_settings_open_has_no_axe_violations(page):
    article = make_article(body_ar='<p><a href="https://vimeo.com/76979871">https://vimeo.com/76979871</a></p>')
    for prefix in ("", "/en"):
        page.goto(prefix + article.get_absolute_url())
        page.locator("#consent-banner summary").click()
        results = Axe().run(page, context="#consent-banner").response
        assert [rule["id"] for rule in results["violations"]] == [], prefix
        results = Axe().run(page, context="figure.embed").response
        assert [rule["id"] for rule in results["violations"]] == [], prefix
