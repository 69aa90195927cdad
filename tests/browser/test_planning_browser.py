"""Story planning end to end in Chromium, in Arabic: an editor plans a story for a reporter in the admin and reads
the week's plan; the reporter finds it on the desk's home, starts its draft in one click and lands on the article
form with the working headline filled in. The desk's home and the plan pass axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from articles.models import Article
from planning.models import PlannedStory
from tests.browser.signing import sign_in_with_app
from tests.factories import make_author, make_section, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"
HEADLINE = "الجسر المعلّق بعد الترميم: متى يعود المشاة؟"


def violations(page):
    results = Axe().run(page, context="#content").response
    return [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]


def test_an_editor_plans_a_story_and_its_reporter_starts_the_draft_from_the_desk(page):
    reporter = make_staff("plan-rana", "reporter", password=PASSWORD)
    make_author(name_ar="رنا الأحمد", user=reporter)
    make_staff("plan-hala", "editor", password=PASSWORD)
    make_section(name_ar="تقارير ميدانية")
    # Tonight: on today's page of this week's plan, and not yet overdue, whatever the hour the test runs.
    deadline = timezone.localtime().replace(hour=23, minute=59, second=0, microsecond=0)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The editor plans it from the desk's home, in the Arabic admin.
    sign_in_with_app(page, "plan-hala", PASSWORD)
    with page.expect_navigation():
        page.locator("#story-planning").get_by_role("link", name="خطّط لقصة").click()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.fill("#id_headline", HEADLINE)
    page.select_option("#id_section", label="تقارير ميدانية")
    page.select_option("#id_assignee", label="plan-rana")
    page.fill("#id_deadline_0", deadline.strftime("%Y-%m-%d"))
    page.fill("#id_deadline_1", deadline.strftime("%H:%M"))
    page.fill("#id_notes", "اسأل مهندس البلدية عن موعد الافتتاح.")
    with page.expect_navigation(url="**/admin/planning/plannedstory/"):
        page.click("[name=_save]")
    story = PlannedStory.objects.get()
    assert (story.assignee, story.headline) == (reporter, HEADLINE)

    # The week's plan has it, on its day, with its writer.
    with page.expect_navigation():
        page.get_by_role("link", name="خطة هذا الأسبوع").click()
    day = page.locator(f"#day-{deadline:%Y-%m-%d}").locator("xpath=..")
    assert HEADLINE in day.inner_text() and "plan-rana" in day.inner_text() and "في الخطة" in day.inner_text()
    assert violations(page) == []
    assert page.console_errors == []

    # The reporter finds it on the desk's home and starts it in one click.
    page.context.clear_cookies()
    sign_in_with_app(page, "plan-rana", PASSWORD)
    owed = page.locator("#stories-owed")
    assert "ما عليّ كتابته" in owed.inner_text() and HEADLINE in owed.inner_text()
    assert violations(page) == []
    with page.expect_navigation(url="**/admin/articles/article/*/change/"):
        owed.get_by_role("button", name="ابدأ المسودة").click()
    assert page.input_value("#id_headline_ar") == HEADLINE
    assert "المسودة جاهزة بالعنوان المبدئي" in page.locator(".messagelist").inner_text()
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.created_by == reporter
    assert [author.name_ar for author in article.byline_authors()] == ["رنا الأحمد"]

    # Back on the desk, the story leads to its draft instead.
    page.goto("/admin/")
    assert page.locator("#stories-owed").get_by_role("button", name="ابدأ المسودة").count() == 0
    with page.expect_navigation(url=f"**/admin/articles/article/{article.pk}/change/"):
        page.locator("#stories-owed").get_by_role("link", name="افتح المسودة").click()
    assert Article.objects.count() == 1
    assert page.console_errors == []
