"""axe-core (shipped inside axe-playwright-python) finds no accessibility violation on the reader pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_pages_have_no_axe_violations(page):
    author = make_author(name_ar="ليلى الحسن", name_en="Layla al-Hassan")
    article = make_article(headline_ar="عودة العبارات إلى الميادين", headline_en="Ferries return", authors=[author])
    article.tags.add("الميادين")
    make_article(section=article.section, headline_ar="خبر آخر من القسم")
    tag = article.tags.get()
    paths = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
        "/search/?q=الميادين",
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
