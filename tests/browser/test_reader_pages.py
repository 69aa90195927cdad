"""Reader pages in a real browser (Debian's Chromium): direction, fonts, CSP, language switch, small screens."""

import pytest

from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(live_server):
    author = make_author(name_ar="ليلى الحسن", name_en="Layla al-Hassan")
    return make_article(
        authors=[author],
        headline_ar="عودة العبّارات إلى الميادين بعد أشهر",
        headline_en="Ferries return to al-Mayadin",
        body_ar="<p>نص التقرير.</p><h2>عنوان فرعي</h2><p>فقرة ثانية فيها <strong>كلمة بارزة</strong>.</p>",
        body_en="<p>The report.</p>",
    )


def test_arabic_home_is_right_to_left_in_naskh_with_no_errors_and_no_third_party_requests(page, live_server, published):
    page.goto("/")
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('17px \"Noto Naskh Arabic\"', 'عربي')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replaceAll('\"', ''))"
    )
    assert "Noto Naskh Arabic" in loaded
    # The headline starts at the right edge of its column: right-to-left layout, not just the attribute.
    box = page.locator(".story__headline a").first.bounding_box()
    column = page.locator(".home__latest").bounding_box()
    assert abs((box["x"] + box["width"]) - (column["x"] + column["width"])) < 2
    assert page.console_errors == []  # a CSP violation would be reported here
    assert all(url.startswith(live_server.url) for url in page.requested_urls), page.requested_urls


def test_language_switch_keeps_the_reader_on_the_same_article(page, published):
    page.goto(published.get_absolute_url())
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert page.locator("h1").inner_text() == "Ferries return to al-Mayadin"
    page.get_by_role("link", name="العربيّة").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "عودة العبّارات إلى الميادين بعد أشهر"
    assert page.console_errors == []


def test_skip_link_moves_focus_to_the_main_content(page, published):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("path", ["/", "/en/"])
def test_usable_at_320_pixels_without_sideways_scrolling(browser, live_server, published, path):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
