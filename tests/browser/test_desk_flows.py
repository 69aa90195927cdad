"""The desk's day in Chromium, in Arabic, with axe: the moderation list at 1280 px, scheduling from the publication box
(the buttons under its time, the outcome said beside them), two editors in one article (who has it open, both
versions side by side, saving over theirs), and the English preview of an article not yet translated."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article
from comments.services.comments import comment_submit
from tests.browser.signing import sign_in_with_app
from tests.factories import make_article, make_author, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


def violations(page, context="#content"):
    results = Axe().run(page, context=context).response
    return [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ar", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    return page


def test_the_moderation_list_keeps_every_column_in_view_at_1280_px(page):
    make_staff("munir", "moderator", password=PASSWORD)
    article = make_article(headline_ar="عودة العبّارات إلى الميادين بعد انقطاع دام أشهراً طويلة على ضفتي النهر")
    first = comment_submit(article=article, name="أبو خالد", email="a@example.org", body="شكراً على التقرير. " * 8)
    comment_submit(article=article, name="سلمى", email="s@example.org", body="وعندنا الأمر نفسه.", parent=first)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_app(page, "munir", PASSWORD)
    page.goto("/admin/comments/comment/")
    width = page.evaluate("document.documentElement.clientWidth")
    headers = page.locator("#result_list thead th")
    assert headers.count() == 6  # the checkbox, name, comment, article, status, written
    filters = page.locator("#changelist-filter").bounding_box()
    for number in range(headers.count()):
        box = headers.nth(number).bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, headers.nth(number).inner_text()
        # Not under the filters: they are a band above the list.
        assert box["y"] > filters["y"] + filters["height"]
    assert "ردّاً على: «شكراً على التقرير." in page.locator("#result_list").inner_text()
    assert violations(page) == []


def test_an_editor_schedules_from_the_publication_box_and_reads_the_outcome_beside_the_buttons(page):
    make_staff("hala", "editor", password=PASSWORD)
    article = make_article(status=Article.Status.DRAFT, headline_ar="تقرير عن المدارس", authors=[make_author()])
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_app(page, "hala", PASSWORD)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    box = page.locator(".publication-box")
    date, button = box.locator("input[name=schedule_for_0]"), box.get_by_role("button", name="حفظ ونشر (أو جدولة)")
    assert date.bounding_box()["y"] < button.bounding_box()["y"]
    assert button.bounding_box()["y"] < page.locator("input[name=_save].default").bounding_box()["y"]
    date.fill("2030-01-15")
    box.locator("input[name=schedule_for_1]").fill("09:00")
    with page.expect_navigation(url=f"**/admin/articles/article/{article.pk}/change/"):
        button.click()
    assert page.locator(".messagelist").inner_text().startswith("جُدول: سيُنشر في ")
    said = page.locator(".publication-box .workflow-status").inner_text()
    assert "مجدول" in said and "جُدول للنشر في 15 يناير 2030" in said and "بواسطة hala" in said
    assert violations(page, ".publication-box") == []
    assert Article.objects.get(pk=article.pk).status == Article.Status.SCHEDULED


def test_two_editors_in_one_article_see_each_other_and_the_second_saves_over_the_first(browser, live_server, page):
    for name in ("hala", "sami"):
        make_staff(name, "editor", password=PASSWORD)
    article = make_article(headline_ar="الجسر يفتح صباح الغد", authors=[make_author()])
    url = f"/admin/articles/article/{article.pk}/change/"
    hala = page
    hala.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_app(hala, "hala", PASSWORD)
    hala.goto(url)
    assert hala.locator("#article-presence").is_hidden()
    sami = new_page(browser, live_server)
    sign_in_with_app(sami, "sami", PASSWORD)
    sami.goto(url)
    notice = sami.locator("#article-presence")
    assert notice.is_visible() and notice.inner_text().startswith("مفتوح أيضاً لدى hala (منذ ")
    # Sami saves first; Hala, who opened it before, saves her own headline.
    sami.fill("#id_headline_ar", "الجسر يفتح مساء الغد")
    with sami.expect_navigation():
        sami.locator("input[name=_continue]").click()
    hala.fill("#id_headline_ar", "الجسر يفتح ظهر الغد")
    with hala.expect_navigation():
        hala.locator("input[name=_continue]").click()
    panel = hala.locator(".edit-conflict")
    assert "حفظه sami في أثناء تحريرك" in panel.inner_text()
    row = panel.locator("tbody tr").filter(has_text="العنوان")
    assert row.locator("del").inner_text() == "مساء" and row.locator("ins").inner_text() == "ظهر"
    assert hala.console_errors == [] and sami.console_errors == []
    # After the console's check: axe's own injected styles are refused by the form's CSP (and logged as such).
    assert violations(hala, ".edit-conflict") == []
    with hala.expect_navigation():
        panel.get_by_role("button", name="احفظ ما في النموذج فوق نسختهم").click()
    assert Article.objects.get(pk=article.pk).headline_ar == "الجسر يفتح ظهر الغد"
    assert hala.locator(".edit-conflict").count() == 0
    sami.context.close()


def test_the_english_preview_of_an_untranslated_article_says_so_and_links_to_the_arabic(page):
    make_staff("hala", "editor", password=PASSWORD)
    article = make_article(status=Article.Status.DRAFT, headline_ar="تقرير لم يُترجم بعد")
    sign_in_with_app(page, "hala", PASSWORD)
    page.goto(f"/en/preview/{article.pk}/")
    notice = page.locator(".preview-banner").filter(has_text="not written in this language yet")
    assert "not see it until it is" in notice.inner_text()
    assert violations(page, "main") == [] and page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation(url=f"**/preview/{article.pk}/"):
        notice.locator("a[hreflang=ar]").click()
    assert "تقرير لم يُترجم بعد" in page.locator("h1").inner_text() and "/en/" not in page.url


def test_enter_in_the_headline_of_a_published_article_saves_it_and_nothing_more(page):
    make_staff("hala", "editor", password=PASSWORD)
    article = make_article(headline_ar="خبر منشور", authors=[make_author()])
    sign_in_with_app(page, "hala", PASSWORD)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.fill("#id_headline_ar", "خبر منشور بعنوان أوضح")
    with page.expect_navigation():
        page.press("#id_headline_ar", "Enter")
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.headline_ar) == (Article.Status.PUBLISHED, "خبر منشور بعنوان أوضح")
