"""The article page stays light for readers on slow phones: under 150 KB on a first visit, images excluded."""

import gzip

import pytest

from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db(transaction=True)
BUDGET = 150 * 1024


def test_article_page_first_visit_weighs_under_150_kb(page, live_server):
    article = make_article(
        headline_ar="عودة العبارات إلى الميادين مع Joe Biden",
        body_ar="<p>" + "نص التقرير الميداني الطويل عن النهر والقرى. " * 150 + "</p><p><strong>خاتمة</strong></p>",
        authors=[make_author()],
    )
    article.tags.add("الميادين", "نهر الفرات")
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(article.get_absolute_url(), wait_until="networkidle")
    weights = {}
    for response in responses:
        if response.request.resource_type == "image" or response.status != 200:
            continue
        body = response.body()
        # The live test server does not compress; production does (WhiteNoise, the proxy): count gzip sizes,
        # except for WOFF2 fonts, which are compressed already.
        weights[response.url] = len(body) if response.url.endswith(".woff2") else len(gzip.compress(body, 6))
    assert any(url.endswith(".woff2") for url in weights)  # the fonts did load, and count
    assert sum(weights.values()) < BUDGET, weights


def test_the_front_page_with_its_photos_stays_light_fits_320_px_and_does_not_shift(page, live_server):
    """The demo front page, photos on its cards: under the budget without the images, no sideways scrolling on a
    320 px phone, and the photos arriving move nothing (their width and height reserve the space)."""
    from django.core.management import call_command

    call_command("load_demo", "--force")
    call_command("load_demo_photos", "--force")
    page.set_viewport_size({"width": 320, "height": 640})
    # A first visit without the photos caches the fonts, whose swap shifts every page alike on a first visit
    # (tests/browser/test_live_browser.py); the second fetches the photos and measures what they move.
    page.route("**/media/**", lambda route: route.abort())
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/", wait_until="networkidle")
    weights = {
        response.url: len(response.body())
        if response.url.endswith(".woff2")
        else len(gzip.compress(response.body(), 6))
        for response in responses
        if response.request.resource_type != "image" and response.status == 200
    }
    assert sum(weights.values()) < BUDGET, weights
    page.unroute("**/media/**")
    page.add_init_script(SHIFTS)
    page.goto("/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    lead = page.locator(".story--lead .story__photo img")
    assert lead.get_attribute("loading") == "eager" and lead.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(".story--photo:not(.story--lead) img[loading=lazy]").count() >= 5
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__shift") < 0.01


# Cumulative layout shift, as the browser reports it.
SHIFTS = """window.__shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) window.__shift += entry.value; }
}).observe({type: "layout-shift", buffered: true});"""
