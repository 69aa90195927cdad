"""Live coverage in Chromium: a reader's page shows new entries without a reload and without moving under them,
replaces corrected ones, stops asking once hidden or once coverage ends; the live page and the urgent bar pass axe
and fit a 320 px phone; a reporter posts from a 360 px phone in three taps after signing in."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from live.models import LiveEntry
from live.services.alerts import alert_publish
from live.services.coverage import coverage_end, coverage_start, live_settings_change
from live.services.entries import entry_correct, entry_pin, entry_post
from tests import photos
from tests.browser.signing import sign_in_with_app
from tests.factories import make_article, make_author, make_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"
POLL_SECONDS = 5  # the shortest interval the desk allows


@pytest.fixture
def editor():
    return make_staff("live-browser-editor", "editor", password=PASSWORD)


@pytest.fixture
def live_page(editor):
    live_settings_change(poll_seconds=POLL_SECONDS, review_entries=False, by=editor)
    article = make_article(headline_ar="مباشر: فيضان الفرات", headline_en="Live: the Euphrates floods")
    page = coverage_start(article=article, by=editor)
    for number in range(6):
        entry_post(article=page, by=editor, text=f"تحديث رقم {number}: المياه ما زالت ترتفع عند الجسر القديم.")
    return page


def polls(page, live_page):
    return [url for url in page.requested_urls if url.endswith(f"/live/{live_page.pk}/poll.json")]


def test_new_entries_wait_behind_a_button_and_nothing_moves_under_the_reader(page, live_page, editor):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_page.get_absolute_url())
    button = page.locator("[data-live-new]")
    assert button.is_hidden()
    page.locator(".live-entry").nth(3).scroll_into_view_if_needed()
    reading = page.locator(".live-entry").nth(3)
    before = page.evaluate("window.scrollY"), reading.bounding_box()["y"]
    newer = entry_post(article=live_page, by=editor, text="وصل فريق الإنقاذ إلى الحي الشرقي.")
    button.wait_for(state="visible", timeout=(POLL_SECONDS * 3) * 1000)
    assert button.inner_text() == "تحديثات جديدة (1)"
    assert (page.evaluate("window.scrollY"), reading.bounding_box()["y"]) == before  # nothing moved
    assert page.locator(f"#entry-{newer.pk}").count() == 0
    button.click()
    first = page.locator(".live__entries .live-entry").first
    assert first.get_attribute("id") == f"entry-{newer.pk}" and "وصل فريق الإنقاذ" in first.inner_text()
    assert page.evaluate("document.activeElement.id") == f"entry-{newer.pk}"
    assert button.is_hidden()
    # A correction replaces the entry where it stands, with its note.
    entry_correct(
        entry=newer, by=editor, note="الفريق وصل إلى الحي الغربي", body_html="<p>وصل فريق الإنقاذ إلى الحي الغربي.</p>"
    )
    page.locator(f"#entry-{newer.pk} .live-entry__correction").wait_for(timeout=(POLL_SECONDS * 3) * 1000)
    assert "الحي الغربي" in page.locator(f"#entry-{newer.pk}").inner_text()
    assert page.console_errors == []


def test_more_entries_than_one_answer_holds_are_offered_as_a_reload(page, live_page, editor):
    page.goto(live_page.get_absolute_url())
    for number in range(25):
        entry_post(article=live_page, by=editor, text=f"دفعة من التحديثات رقم {number}")
    button = page.locator("[data-live-new]")
    button.wait_for(state="visible", timeout=(POLL_SECONDS * 3) * 1000)
    assert button.inner_text() == "تحديثات جديدة (25)"
    with page.expect_navigation():
        button.click()
    assert "دفعة من التحديثات رقم 24" in page.locator(".live__entries .live-entry").first.inner_text()
    assert page.console_errors == []


def test_the_page_asks_one_address_and_stops_when_hidden_or_when_coverage_ends(page, live_page, editor):
    page.goto(live_page.get_absolute_url())
    page.wait_for_timeout(POLL_SECONDS * 1000 * 1.2)
    assert len(set(polls(page, live_page))) == 1  # one address for every poll, and every reader
    page.evaluate(
        """() => { Object.defineProperty(document, "hidden", {value: true, configurable: true});
                   document.dispatchEvent(new Event("visibilitychange")); }"""
    )
    asked = len(polls(page, live_page))
    page.wait_for_timeout(POLL_SECONDS * 1000 * 2.5)
    assert len(polls(page, live_page)) == asked  # hidden: no asking
    page.evaluate(
        """() => { Object.defineProperty(document, "hidden", {value: false, configurable: true});
                   document.dispatchEvent(new Event("visibilitychange")); }"""
    )
    coverage_end(article=live_page, by=editor)
    page.get_by_text("انتهت التغطية").wait_for(timeout=(POLL_SECONDS * 3) * 1000)
    asked = len(polls(page, live_page))
    page.wait_for_timeout(POLL_SECONDS * 1000 * 2.5)
    assert len(polls(page, live_page)) == asked  # ended: no more asking
    assert page.console_errors == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_live_page_and_the_urgent_bar_pass_axe_and_fit_a_small_phone(page, live_page, editor, prefix):
    entry_pin(entry=LiveEntry.objects.filter(article=live_page).first(), by=editor)
    entry_post(article=live_page, by=editor, text="", quote="لن نغادر بيوتنا", quote_by="أحد السكان")
    alert_publish(text_ar="عاجل: الفرات يقطع الطريق الجنوبي", text_en="The Euphrates cuts the southern road",
                  article=live_page, expires_at=timezone.now() + timedelta(hours=1), by=editor)  # fmt: skip
    page.set_viewport_size({"width": 320, "height": 640})
    # Layout shifts as the page loads, the bar included. On a first visit the web fonts swap in and reflow every
    # line of text, on every page alike; counted from the second visit, once they are in the browser's cache.
    page.add_init_script(
        "window.__shifts = 0; new PerformanceObserver((list) => { for (const entry of list.getEntries()) {"
        " if (!entry.hadRecentInput) window.__shifts += entry.value; } })"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(prefix + live_page.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.goto(prefix + live_page.get_absolute_url())
    assert page.locator(".urgent").is_visible()
    page.wait_for_load_state("networkidle")
    results = Axe().run(page).response
    assert [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]] == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    assert page.evaluate("window.__shifts") == 0  # the bar is there from the first paint
    # Focus stays where the reader puts it: the bar never takes it.
    assert page.evaluate("document.activeElement.tagName") == "BODY"


def test_a_reporter_posts_from_a_phone_in_three_taps(page, live_page, tmp_path):
    reporter = make_staff("live-browser-reporter", "reporter", password=PASSWORD)
    make_author(name_ar="رنا الأحمد", user=reporter)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in_with_app(page, "live-browser-reporter", PASSWORD)
    photo = tmp_path / "field.jpg"
    photo.write_bytes(photos.camera_jpeg(1600, 1200).read())
    # Tap 1: the live page, on the desk's home.
    with page.expect_navigation():
        page.locator("#live-desk").get_by_role("link", name="مباشر: فيضان الفرات").click()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    page.get_by_label("ماذا يحدث").fill("الطريق الجنوبي مغلق بالكامل. السيارات تعود أدراجها.")
    # Tap 2: the photo (the phone's camera or gallery; here the file it hands back).
    page.set_input_files("input[name=photo]", str(photo))
    page.get_by_label("ما تظهره الصورة").fill("سيارات متوقفة أمام الطريق المغمور")
    # Tap 3: post.
    with page.expect_navigation():
        page.get_by_role("button", name="انشر").click()
    assert "نُشر: يراه القرّاء الآن." in page.content()
    entry = LiveEntry.objects.get(article=live_page, created_by=reporter)
    assert entry.is_published() and entry.photo.alt == "سيارات متوقفة أمام الطريق المغمور"
    page.goto(live_page.get_absolute_url())
    assert "الطريق الجنوبي مغلق بالكامل" in page.locator(".live__entries").inner_text()
    assert page.console_errors == []
