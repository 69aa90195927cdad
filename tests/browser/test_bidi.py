"""Right-to-left layout and mixed-direction text, measured where it matters: on screen, in Chromium."""

import pytest

from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db(transaction=True)

# The x position of each character of `needle` inside the element, in text order.
CHARACTER_POSITIONS = """([element, needle]) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const text = [];
    for (let node; (node = walker.nextNode()); ) text.push(node);
    for (const node of text) {
        const at = node.textContent.indexOf(needle);
        if (at < 0) continue;
        return [...needle].map((_, i) => {
            const range = document.createRange();
            range.setStart(node, at + i);
            range.setEnd(node, at + i + 1);
            return range.getBoundingClientRect().left;
        });
    }
    return null;
}"""


def test_latin_runs_in_an_arabic_headline_keep_their_order(page):
    article = make_article(headline_ar="طلاب الرقة يتعلمون البرمجة بلغة C++ مع Joe Biden اليوم")
    page.goto(article.get_absolute_url())
    headline = page.locator("h1")
    for run in ("C++", "Joe Biden"):
        positions = page.evaluate(CHARACTER_POSITIONS, [headline.element_handle(), run])
        assert positions is not None, run
        assert positions == sorted(positions), f"{run} is shown out of order: {positions}"


def test_without_isolation_the_browser_would_reverse_cpp(page):
    """The check above can fail: the same text without <bdi> shows «++C»."""
    make_article()
    page.goto("/")
    page.evaluate(
        """() => { const p = document.createElement('p'); p.id = 'raw';
                   p.textContent = 'يتعلم البرمجة بلغة C++ اليوم'; document.querySelector('main').prepend(p); }"""
    )
    positions = page.evaluate(CHARACTER_POSITIONS, [page.locator("#raw").element_handle(), "C++"])
    assert positions != sorted(positions)


def test_masthead_starts_on_the_right_in_arabic_and_on_the_left_in_english(page, live_server):
    make_article(headline_en="Ferries", authors=[make_author(name_ar="John Smith")])
    for path, side in (("/", "right"), ("/en/", "left")):
        page.goto(path)
        brand = page.locator(".masthead__brand").bounding_box()
        bar = page.locator(".masthead__bar").bounding_box()
        gap = (bar["x"] + bar["width"]) - (brand["x"] + brand["width"]) if side == "right" else brand["x"] - bar["x"]
        assert gap < 20, (path, gap)
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == (
            "rtl" if side == "right" else "ltr"
        )
