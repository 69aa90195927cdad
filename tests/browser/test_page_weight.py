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
