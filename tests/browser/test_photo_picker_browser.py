"""An editor places a photo inside an article's text from the photo library, in Chromium, in Arabic: the editor's
toolbar and photo dialog in Arabic, the library in a window of its own (searched, and checked with axe), the
alternative text required, the photo stored by reference."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article, Image
from articles.services.images import image_store
from tests import photos
from tests.browser.signing import sign_in_with_app
from tests.factories import make_section, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"
ALT = "قارب خشبي على ضفة الفرات"
ALT_MISSING = "اكتب ما تُظهره الصورة: هذا النص يصل إلى القرّاء الذين لا يرونها بدلًا منها."


def violations(page, context="#content"):
    results = Axe().run(page, context=context).response
    return [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]


def test_an_editor_places_a_photo_from_the_library_and_it_is_stored_by_reference(page):
    make_staff("hala", "editor", password=PASSWORD)
    make_section(name_ar="تقارير ميدانية")
    photo = image_store(
        image=Image(alt_ar=ALT, caption_ar="الميادين صباحاً", credit_ar="ليلى"), upload=photos.camera_jpeg(1500, 2000)
    )
    image_store(image=Image(alt_ar="سوق المدينة القديمة"), upload=photos.png())
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_app(page, "hala", PASSWORD)
    page.goto("/admin/articles/article/add/")
    body = page.locator(".field-body_ar")
    toolbar = body.locator(".prose-menubar")

    # The toolbar in Arabic: titles and accessible names, none left in English.
    assert toolbar.locator("[data-name=bold]").get_attribute("title") == "غامق"
    assert toolbar.locator("[data-name=bold]").get_attribute("aria-label") == "غامق"
    titles = toolbar.locator("button[title]").evaluate_all("buttons => buttons.map(button => button.title)")
    assert len(titles) > 20 and [title for title in titles if re.search("[A-Za-z]", title)] == []
    # The block-type menu's arrow is drawn, not a character the fonts lack; the text starts about twenty lines high.
    arrow = toolbar.locator(".prose-menubar__selected").evaluate("menu => getComputedStyle(menu, '::after').content")
    assert arrow == '""'
    editable = body.locator(".tiptap")
    assert editable.bounding_box()["height"] >= 400

    page.fill("#id_headline_ar", "عودة القوارب إلى ضفاف الفرات")
    editable.click()
    page.keyboard.type("عادت القوارب الخشبية إلى العمل.")
    page.keyboard.press("Enter")
    # A long unbroken word (a video's address) does not push the toolbar out of its column.
    page.keyboard.type("https://www.youtube.com/watch?v=" + "x" * 150)
    page.keyboard.press("Enter")
    column = body.locator(".flex-container").bounding_box()
    bar = toolbar.bounding_box()
    assert bar["x"] >= column["x"] and bar["x"] + bar["width"] <= column["x"] + column["width"] + 1

    # The photo dialog, in Arabic; its «Browse» opens the library in a window of its own.
    toolbar.get_by_role("button", name="صورة", exact=True).click()
    dialog = page.locator("dialog.prose-editor-dialog")
    assert dialog.get_by_role("heading").inner_text() == "إدراج صورة"
    assert dialog.get_by_label("عنوان الصورة").input_value() == ""
    with page.expect_popup() as opened:
        dialog.get_by_role("button", name="اختر من مكتبة الصور…").click()
    picker = opened.value
    picker.console_errors = []
    picker.on("console", lambda message: message.type == "error" and picker.console_errors.append(message.text))
    picker.wait_for_load_state()
    assert picker.locator("h1").inner_text() == "اختر صورة"
    assert picker.locator(".photo-picker__photo").count() == 2
    # Searched as typed without the tanween the caption has.
    picker.get_by_label("ابحث في التعليقات والحقوق والنصوص البديلة").fill("الميادين صباحا")
    with picker.expect_navigation():
        picker.get_by_role("button", name="بحث").click()
    assert picker.locator(".photo-picker__photo").count() == 1
    assert picker.locator(".photo-picker__photo img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert picker.console_errors == []
    chosen = picker.get_by_role("button", name="اختر")
    with picker.expect_event("close"):
        chosen.click(no_wait_after=True)  # the window it closes cannot be waited for

    # The dialog is filled with the photo's descriptions; without alternative text it inserts nothing.
    alt = dialog.get_by_label("النص البديل")
    assert alt.input_value() == ALT
    assert dialog.get_by_label("التعليق").input_value() == "الميادين صباحاً"
    assert dialog.get_by_label("عنوان الصورة").input_value().startswith("/media/renditions/")
    alt.fill("   ")
    dialog.get_by_role("button", name="إدراج", exact=True).click()
    assert dialog.is_visible() and editable.locator("img").count() == 0
    assert alt.evaluate("input => input.validationMessage") == ALT_MISSING
    alt.fill(ALT)
    dialog.get_by_role("button", name="إدراج", exact=True).click()
    assert editable.locator("figure img").get_attribute("alt") == ALT
    assert editable.locator("figure img").evaluate("img => img.complete && img.naturalWidth > 0")

    page.select_option("#id_section", label="تقارير ميدانية")
    with page.expect_navigation(url="**/admin/articles/article/"):
        page.get_by_role("button", name="احفظ", exact=True).click()
    article = Article.objects.get()
    stored = article.body_ar
    assert f'<img data-photo="{photo.pk}" data-width="960" alt="{ALT}"' in stored
    assert "<figcaption>الميادين صباحاً</figcaption>" in stored and "/media/" not in stored
    assert page.console_errors == []

    # The library on its own, with its upload form open, and the text's editor showing the photo again: no console
    # errors, then axe (whose injected styles the CSP refuses, and logs, so it comes last). The rest of the article
    # form is the admin's and modeltranslation's.
    page.goto("/admin/articles/image/picker/?lang=ar&CKEditorFuncNum=-1")
    page.locator(".photo-picker__upload summary").click()
    assert page.get_by_label("ملف الصورة").is_visible()
    assert page.console_errors == []
    assert violations(page) == []
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    assert body.get_by_role("textbox", name="النص").locator("figure img").get_attribute("alt") == ALT
    assert violations(page, ".field-body_ar") == []
