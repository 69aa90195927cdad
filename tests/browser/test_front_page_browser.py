"""Arranging the front page end to end in Chromium, in Arabic: an editor finds «ترتيب الصفحات» in the desk, chooses
the lead and a featured story by typing part of their headlines, saves, and readers' home page leads with them;
then, on the day a story breaks, one action on the article list puts it at the top. The form passes axe."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from articles.models import Arrangement
from tests.browser.signing import sign_in_with_app
from tests.factories import make_article, make_section, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


def violations(page):
    # Django's tabular inline leaves its first column's heading empty (a best practice, not a WCAG rule): its own
    # template, not ours.
    results = Axe().run(page, context="#content", options={"rules": {"empty-table-header": {"enabled": False}}})
    results = results.response
    return [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]


def choose(page, field, typed, headline):
    """Pick an article in an autocomplete field (the admin's select2) by typing part of its headline."""
    page.locator(f"#{field}").locator("xpath=following-sibling::span[contains(@class,'select2')]").click()
    page.locator(".select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=headline).click()


def lead_headline(page):
    return page.locator(".story--lead .story__headline").inner_text()


def test_an_editor_arranges_the_home_page_and_leads_it_with_breaking_news(page):
    make_staff("front-hala", "editor", password=PASSWORD)
    section = make_section(name_ar="تقارير ميدانية")
    now = timezone.now()
    for number, headline in enumerate(["سوق الماشية يعود إلى الميادين", "قافلة طبية تصل إلى هجين",
                                       "افتتاح مدرسة في الشحيل", "جسر خشبي مؤقت فوق الخابور"]):  # fmt: skip
        make_article(headline_ar=headline, section=section, published_at=now - timedelta(hours=number + 1))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    assert lead_headline(page) == "سوق الماشية يعود إلى الميادين"  # nothing arranged: the newest leads

    sign_in_with_app(page, "front-hala", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="ترتيب الصفحات").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="أضف ترتيب صفحة").click()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("#id_section option:checked").inner_text() == "الصفحة الرئيسية"
    choose(page, "id_lead", "الخابور", "جسر خشبي مؤقت فوق الخابور")
    choose(page, "id_stories-0-article", "هجين", "قافلة طبية تصل إلى هجين")
    assert page.console_errors == []
    assert violations(page) == []
    page.console_errors.clear()  # axe's own inline styles, refused by the admin's CSP: not the page's
    with page.expect_navigation(url="**/admin/articles/arrangement/"):
        page.click("[name=_save]")
    assert "يظهر على صفحته الآن." in page.locator(".messagelist").inner_text()
    assert "معروض الآن" in page.locator("#result_list").inner_text()

    reader = page.context.browser.new_context(base_url=page.url.split("/admin/")[0], locale="ar").new_page()
    reader.goto("/")
    assert lead_headline(reader) == "جسر خشبي مؤقت فوق الخابور"
    featured = reader.locator(".front__featured .story__headline").all_inner_texts()
    assert featured[0] == "قافلة طبية تصل إلى هجين" and len(featured) == 3  # the two empty slots: the newest

    # A story breaks: published, then put at the top from the article list in one action.
    breaking = make_article(headline_ar="عاجل: انهيار جزئي في جسر الميادين", section=section)
    page.goto("/admin/articles/article/")
    page.locator(f"input[name=_selected_action][value='{breaking.pk}']").check()
    page.select_option("select[name=action]", value="lead_home_page")
    with page.expect_navigation(url=re.compile(r"/admin/articles/arrangement/\d+/change/")):
        page.click("button[name=index]")
    assert "تتصدّر الصفحة الرئيسية الآن" in page.locator(".messagelist").inner_text()
    reader.goto("/")
    assert lead_headline(reader) == "عاجل: انهيار جزئي في جسر الميادين"
    featured = reader.locator(".front__featured .story__headline").all_inner_texts()
    assert featured[:2] == ["جسر خشبي مؤقت فوق الخابور", "قافلة طبية تصل إلى هجين"]  # the old lead moved down
    assert Arrangement.objects.count() == 2
    assert page.console_errors == []
    reader.context.close()
