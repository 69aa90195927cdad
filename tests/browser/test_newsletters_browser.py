"""A reader subscribes in Chromium from the cached /newsletters/ page (no CSRF token in it), confirms by the link
mailed to them, and unsubscribes from the link in a message."""

import re

import pytest

from newsletters.models import Subscriber
from newsletters.sending import unsubscribe_url
from tests.factories import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def test_subscribe_confirm_and_unsubscribe(page, live_server, settings, mailoutbox):
    settings.NEWSROOM_SITE_URL = live_server.url
    page.goto("/newsletters/")
    page.goto("/newsletters/")  # the second time from the page cache
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    page.fill("#id_email", "reader@example.org")
    page.check("input[name=lists][value=alerts]")
    page.check("input[name=language][value=en]")
    with page.expect_navigation():
        page.get_by_role("button", name="اشترك").click()
    assert "ضع علامة في المربع" in page.content()  # consent not ticked: refused, nothing kept
    assert not Subscriber.objects.exists()
    page.console_errors.clear()  # the refusal is a 400 response, which Chromium reports; that one is expected
    page.check("#id_consent")
    with page.expect_navigation():
        page.get_by_role("button", name="اشترك").click()
    assert "أرسلنا رابطاً إلى هذا العنوان" in page.locator("main").inner_text()

    run_jobs()
    link = re.search(r"https?://\S+/confirm/\S+/", mailoutbox[-1].body).group(0)
    page.goto(link)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my subscription").click()
    assert "Your subscription is confirmed" in page.content()
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.language) == ("confirmed", "en")
    assert subscriber.digest and subscriber.alerts

    page.goto(unsubscribe_url(subscriber))
    with page.expect_navigation():
        page.get_by_role("button", name="Unsubscribe").click()
    assert "You are unsubscribed" in page.content()
    assert not Subscriber.objects.exists()
    assert page.console_errors == []
