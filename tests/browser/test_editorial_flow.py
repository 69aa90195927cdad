"""The editorial desk end to end in Chromium, in Arabic: a reporter writes and submits, an editor publishes."""

import pytest

from articles.models import Article
from tests import photos
from tests.browser.signing import sign_in_with_app
from tests.factories import make_author, make_section, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


def _log_in(page, username):
    sign_in_with_app(page, username, PASSWORD)


def test_reporter_writes_with_a_photo_and_submits_then_editor_publishes(page, live_server, tmp_path):
    reporter, _editor = (
        make_staff("rana", "reporter", password=PASSWORD),
        make_staff("hala", "editor", password=PASSWORD),
    )
    make_author(name_ar="رنا الأحمد", user=reporter)
    make_section(name_ar="تقارير ميدانية")

    # The reporter uploads a phone photo (with GPS in it) and writes the article in Arabic.
    _log_in(page, "rana")
    page.goto("/admin/articles/image/add/")
    upload = photos.camera_jpeg(1600, 1200)
    photo_file = tmp_path / "field.jpg"
    photo_file.write_bytes(upload.read())
    page.set_input_files("#id_upload", str(photo_file))
    page.fill("#id_alt_ar", "قارب خشبي على ضفة الفرات")
    with page.expect_navigation(url="**/admin/articles/image/"):
        page.click("[name=_save]")

    page.goto("/admin/articles/article/add/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.fill("#id_headline_ar", "عودة القوارب إلى ضفاف الفرات")
    page.locator(".field-body_ar .ProseMirror").locator("visible=true").click()
    page.keyboard.type("عادت القوارب الخشبية إلى العمل بعد أشهر من التوقف.")
    page.select_option("#id_section", label="تقارير ميدانية")
    page.select_option("#id_featured_image", label="قارب خشبي على ضفة الفرات")
    page.fill("#id_tags", "الميادين، دير الزور")
    # The English field, on its tab, is left to right inside the Arabic admin.
    assert page.evaluate("getComputedStyle(document.querySelector('#id_headline_en')).direction") == "ltr"
    with page.expect_navigation(url="**/admin/articles/article/*/change/"):
        page.get_by_role("button", name="حفظ وإرسال للمراجعة").click()
    # Back on the article, the form says what happened beside the buttons.
    assert page.locator(".messagelist").inner_text() == "أُرسل إلى المحررين للمراجعة."
    assert "أُرسل للمراجعة" in page.locator(".workflow-status").inner_text()
    article = Article.objects.get()
    assert article.status == Article.Status.IN_REVIEW
    assert article.body_ar == "<p>عادت القوارب الخشبية إلى العمل بعد أشهر من التوقف.</p>"
    assert sorted(article.tags.names()) == ["الميادين", "دير الزور"]
    assert [author.name_ar for author in article.byline_authors()] == ["رنا الأحمد"]  # her own byline
    assert page.console_errors == []

    # The editor finds it waiting on the admin home and publishes it.
    page.context.clear_cookies()
    _log_in(page, "hala")
    with page.expect_navigation():
        page.locator("#editorial-queue").get_by_role("link", name="عودة القوارب إلى ضفاف الفرات").click()
    with page.expect_navigation(url=f"**/admin/articles/article/{article.pk}/change/"):
        page.get_by_role("button", name="حفظ ونشر (أو جدولة)").click()
    assert page.locator(".messagelist").inner_text() == "نُشر: يراه القرّاء الآن."
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    # Readers see it, with its photo, and the photo carries no location.
    page.goto("/")
    page.get_by_role("heading", name="عودة القوارب إلى ضفاف الفرات").get_by_role("link").click()
    assert page.locator("h1").inner_text() == "عودة القوارب إلى ضفاف الفرات"
    assert "عادت القوارب الخشبية" in page.locator(".article__body").inner_text()
    photo = page.locator(".photo img")
    assert photo.get_attribute("alt") == "قارب خشبي على ضفة الفرات"
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    served = page.request.get(photo.evaluate("img => img.currentSrc")).body()
    assert b"Exif" not in served and b"GPS" not in served
    assert page.console_errors == []
