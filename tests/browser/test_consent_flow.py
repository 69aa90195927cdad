"""Cookie consent in Chromium: nothing optional before a choice, one click to reject or accept, settings, the footer
link, withdrawal, media placeholders, JavaScript off, Global Privacy Control and a new policy version."""

import re

import pytest
from django.utils import timezone

from consent.models import ConsentRecord, PolicyVersion
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PLAYER = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
# Stands in for a self-hosted analytics script (Matomo's matomo.js, say): it sets a first-party cookie.
TRACKER = "document.cookie = '_pk_id.1.ab12=reader; path=/; max-age=34128000; SameSite=Lax';"


@pytest.fixture
def article(db):
    return make_article(
        headline_ar="قوارب الصيد تعود إلى الفرات",
        body_ar=f'<p>عاد الصيادون إلى النهر بعد شهور.</p><p><a href="{VIDEO}">{VIDEO}</a></p><p>وفي السوق وفرة.</p>',
    )


@pytest.fixture
def others(db):
    return [make_article() for _ in range(3)]


@pytest.fixture
def analytics(settings, page):
    """An analytics script configured, served (same origin) by a route standing in for the analytics tool."""
    settings.NEWSROOM_ANALYTICS_SCRIPT_URL = "/stats/tracker.js"
    page.context.route("**/stats/tracker.js", lambda route: route.fulfill(body=TRACKER, content_type="text/javascript"))


@pytest.fixture
def player(page):
    """The video provider, answered locally: these machines have no Internet, and the test must not need it."""
    page.context.route(f"{PLAYER}*", lambda route: route.fulfill(body="<p>player</p>", content_type="text/html"))


def cookies(page):
    return {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}


def banner(page):
    return page.locator("#consent-banner")


def wait_for_cookie(page, name, present=True):
    for _ in range(50):
        if (name in cookies(page)) == present:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"cookie {name} {'never set' if present else 'still there'}: {cookies(page)}")


def footer_link(page):
    return page.get_by_role("contentinfo").get_by_role("link", name="إعدادات ملفات تعريف الارتباط")


def mark_page(page):
    """Set a marker that a reload would erase."""
    page.evaluate("window.notReloaded = true")


def not_reloaded(page):
    return page.evaluate("window.notReloaded === true")


def test_a_fresh_visitor_gets_no_optional_cookie_and_no_third_party_request(page, live_server, article, others):
    for url in ["/", article.get_absolute_url(), others[0].get_absolute_url(), "/privacy/"]:
        page.goto(url)
        assert banner(page).is_visible()
        page.mouse.wheel(0, 5000)  # scrolling is not consent
    page.goto(article.get_absolute_url())
    assert page.locator("figure.embed .embed__placeholder").is_visible()
    assert page.locator("iframe").count() == 0
    assert cookies(page) == {}
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert all(url.startswith(live_server.url) for url in page.requested_urls), page.requested_urls
    assert not ConsentRecord.objects.exists()
    assert page.console_errors == []


def test_reject_takes_one_click_and_sticks_across_pages(page, article, others):
    page.goto(article.get_absolute_url())
    mark_page(page)
    banner(page).get_by_role("button", name="رفض الكل").click()
    banner(page).wait_for(state="hidden")
    assert not_reloaded(page)
    assert cookies(page).keys() == {"consent", "consent_id"} and cookies(page)["consent"] == "1:none"
    assert page.locator("#consent-status").inner_text() == "حُفظت اختياراتك بشأن ملفات تعريف الارتباط."
    for url in ["/", *(other.get_absolute_url() for other in others), article.get_absolute_url()]:
        page.goto(url)
        assert banner(page).is_hidden()
        assert page.locator("iframe").count() == 0
    assert page.locator("article").first.is_visible()  # no consent wall
    record = ConsentRecord.objects.get()
    assert (record.method, record.analytics, record.embeds, record.consent_id) == (
        "reject_all", False, False, cookies(page)["consent_id"]
    )  # fmt: skip
    assert page.console_errors == []


def test_accept_takes_one_click_and_loads_media_and_analytics_without_a_reload(page, article, analytics, player):
    page.goto(article.get_absolute_url())
    mark_page(page)
    banner(page).get_by_role("button", name="قبول الكل").click()
    banner(page).wait_for(state="hidden")
    page.locator(f'iframe[src="{PLAYER}"]').wait_for()
    wait_for_cookie(page, "_pk_id.1.ab12")
    assert not_reloaded(page)
    assert cookies(page)["consent"] == "1:analytics+embeds"
    page.goto("/")
    assert banner(page).is_hidden()
    page.locator('script[src="/stats/tracker.js"]').wait_for(state="attached")  # loaded from the consent cookie
    assert ConsentRecord.objects.get().method == "accept_all"


def test_settings_toggle_one_category(page, article, analytics, player):
    page.goto(article.get_absolute_url())
    banner(page).get_by_text("الإعدادات", exact=True).click()
    assert not banner(page).get_by_label("التحليلات").is_checked()
    assert not banner(page).get_by_label("المحتوى الخارجي").is_checked()
    assert banner(page).get_by_label("ضرورية").is_disabled()
    banner(page).get_by_label("المحتوى الخارجي").check()
    banner(page).get_by_role("button", name="حفظ اختياراتي").click()
    banner(page).wait_for(state="hidden")
    page.locator(f'iframe[src="{PLAYER}"]').wait_for()
    assert cookies(page)["consent"] == "1:embeds"
    assert not any(url.endswith("/stats/tracker.js") for url in page.requested_urls)
    record = ConsentRecord.objects.get()
    assert (record.method, record.analytics, record.embeds) == ("save", False, True)


def test_the_footer_link_reopens_and_withdrawal_removes_cookies(page, article, others, analytics, player):
    page.goto(article.get_absolute_url())
    banner(page).get_by_role("button", name="قبول الكل").click()
    wait_for_cookie(page, "_pk_id.1.ab12")

    mark_page(page)
    # Scrolled first, as a reader would: Playwright's scroll-and-click in one step lands in the (cross-origin)
    # player's frame on this page.
    footer_link(page).scroll_into_view_if_needed()
    footer_link(page).click()
    assert banner(page).is_visible() and not_reloaded(page)
    assert banner(page).get_by_label("التحليلات").is_checked()
    banner(page).get_by_role("button", name="رفض الكل").click()
    banner(page).wait_for(state="hidden")
    assert "_pk_id.1.ab12" not in cookies(page)
    assert cookies(page)["consent"] == "1:none"
    assert page.locator("iframe").count() == 0 and page.locator(".embed__placeholder").is_visible()

    requests_before = len(page.requested_urls)
    page.goto(others[0].get_absolute_url())
    assert not any(url.endswith("/stats/tracker.js") for url in page.requested_urls[requests_before:])
    assert [record.method for record in ConsentRecord.objects.order_by("created_at")] == ["accept_all", "reject_all"]


def test_a_placeholder_allows_media_in_one_click(page, article, player):
    page.goto(article.get_absolute_url())
    page.get_by_role("button", name="عرض المحتوى الخارجي").click()
    page.locator(f'iframe[src="{PLAYER}"]').wait_for()
    assert page.locator(".embed__placeholder").is_hidden()
    assert cookies(page)["consent"] == "1:embeds"
    assert ConsentRecord.objects.get().method == "grant"


def test_everything_works_without_javascript(browser, live_server, article, privacy_policy, editorial_groups):
    context = browser.new_context(base_url=live_server.url, locale="ar", java_script_enabled=False)
    context.route(f"{PLAYER}*", lambda route: route.fulfill(body="<p>player</p>", content_type="text/html"))
    page = context.new_page()
    url = article.get_absolute_url()
    try:
        page.goto(url)
        with page.expect_navigation():
            banner(page).get_by_role("button", name="رفض الكل").click()
        assert page.url == f"{live_server.url}{url}"  # back on the same page
        assert banner(page).is_hidden() and cookies(page)["consent"] == "1:none"

        # The footer link leads to the settings page; a choice there comes back to the article.
        with page.expect_navigation():
            footer_link(page).click()
        assert page.url.startswith(f"{live_server.url}/cookies/")
        assert "رفضت كل ملفات تعريف الارتباط الاختيارية." in page.content()
        page.locator(".consent-settings").get_by_label("المحتوى الخارجي").check()
        with page.expect_navigation():
            page.locator(".consent-settings").get_by_role("button", name="حفظ اختياراتي").click()
        assert page.url == f"{live_server.url}{url}"
        assert page.locator(f'iframe[src="{PLAYER}"]').count() == 1  # rendered by the server

        # Withdrawing from the settings page again: the placeholder is back.
        page.goto(f"/cookies/?next={url}")
        with page.expect_navigation():
            page.locator(".consent-settings").get_by_role("button", name="رفض الكل").click()
        assert page.locator("iframe").count() == 0 and page.locator(".embed__placeholder").is_visible()

        # The placeholder's own button works too, and brings the reader back to the video.
        with page.expect_navigation():
            page.get_by_role("button", name="عرض المحتوى الخارجي").click()
        assert page.url == f"{live_server.url}{url}#embed-1"
        assert page.locator(f'iframe[src="{PLAYER}"]').count() == 1
        assert ConsentRecord.objects.count() == 4
    finally:
        context.close()


def test_global_privacy_control_is_honoured(browser, live_server, article, privacy_policy, editorial_groups):
    context = browser.new_context(base_url=live_server.url, locale="ar", extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    try:
        page.goto(article.get_absolute_url())
        assert banner(page).is_hidden()
        assert page.locator(".embed__placeholder").is_visible() and page.locator("iframe").count() == 0
        assert cookies(page) == {}
        page.goto("/cookies/")
        assert "يرسل متصفحك إشارة التحكم العالمي في الخصوصية" in page.content()
        assert not ConsentRecord.objects.exists()
    finally:
        context.close()


def test_a_new_policy_version_asks_again(page, article, player):
    page.goto(article.get_absolute_url())
    banner(page).get_by_role("button", name="قبول الكل").click()
    page.locator(f'iframe[src="{PLAYER}"]').wait_for()
    page.reload()
    assert banner(page).is_hidden()

    PolicyVersion.objects.create(
        number=2, title_ar="سياسة الخصوصية", body_ar="<p>أضفنا فيميو.</p>", effective_at=timezone.now()
    )
    page.reload()
    assert banner(page).is_visible()
    assert page.locator("iframe").count() == 0 and page.locator(".embed__placeholder").is_visible()
    banner(page).get_by_role("button", name="رفض الكل").click()
    banner(page).wait_for(state="hidden")
    assert cookies(page)["consent"] == "2:none"
    assert re.fullmatch(r"[0-9a-f]{32}", cookies(page)["consent_id"])
    assert list(ConsentRecord.objects.order_by("created_at").values_list("policy_version__number", flat=True)) == [1, 2]


def test_a_stale_page_from_a_cache_follows_the_cookie_not_its_html(page, article, player, analytics):
    """A shared cache or the back button may show a page rendered before the reader withdrew: the script removes
    its players and reopens the banner."""
    url = article.get_absolute_url()
    page.goto(url)
    banner(page).get_by_role("button", name="قبول الكل").click()
    page.locator(f'iframe[src="{PLAYER}"]').wait_for()
    stale = page.request.get(url).text()  # the server's page for a reader who allowed everything
    assert f'<iframe class="embed__player" src="{PLAYER}"' in stale
    page.context.clear_cookies()
    page.route(f"**{url}", lambda route: route.fulfill(body=stale, content_type="text/html; charset=utf-8"))
    page.goto(url)
    banner(page).wait_for(state="visible")
    assert page.locator("iframe").count() == 0 and page.locator(".embed__placeholder").is_visible()
    assert "_pk_id.1.ab12" not in cookies(page)
