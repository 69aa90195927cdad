"""A reader comments in Chromium (no consent: refused, text kept; with consent: pending), a moderator approves in
the Arabic admin, and the comment appears with a Latin name in the right order."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from comments.models import Comment
from tests.browser.signing import sign_in_with_app
from tests.browser.test_bidi import CHARACTER_POSITIONS
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


def test_comment_consent_moderation_and_display(page, live_server):
    article = make_article(headline_ar="عودة العبارات إلى الميادين")
    moderator = get_user_model().objects.create_user("munir", "m@example.org", PASSWORD, is_staff=True)
    moderator.groups.add(Group.objects.get(name="moderator"))

    # The reader started writing a minute ago (the form refuses posts made within seconds of starting: comments.js
    # fetches a fresh timestamp when the form is first used).
    with time_machine.travel(timezone.now() - timedelta(minutes=1)):
        page.goto(article.get_absolute_url())
        page.fill("#id_name", "John Smith")
        for _ in range(50):  # until comments.js has put the fresh tokens in
            if page.input_value("input[name=csrfmiddlewaretoken]"):
                break
            page.wait_for_timeout(100)
    page.fill("#id_email", "john@example.org")
    page.fill("#id_body", "تقرير مهم، شكراً لكم.")
    with page.expect_navigation():
        page.get_by_role("button", name="أرسل التعليق").click()
    assert "يُرجى تحديد المربع للموافقة" in page.content()
    assert page.input_value("#id_body") == "تقرير مهم، شكراً لكم."  # the text is kept
    assert not Comment.objects.exists()
    page.console_errors.clear()  # the refusal is a 400 response, which Chromium reports; that one is expected

    page.check("#id_consent")
    with page.expect_navigation():
        page.get_by_role("button", name="أرسل التعليق").click()
    assert "ينتظر تعليقك مراجعة أحد المشرفين" in page.locator("#comment-form").inner_text()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    sign_in_with_app(page, "munir", PASSWORD)
    page.goto("/admin/comments/comment/")
    page.check(f"input[name=_selected_action][value='{comment.pk}']")
    page.select_option("select[name=action]", "approve_selected")
    with page.expect_navigation():
        page.click("button[name=index]")
    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert page.console_errors == []

    page.goto(article.get_absolute_url())
    name = page.locator(f"#comment-{comment.pk} bdi").first
    assert name.inner_text() == "John Smith"
    positions = page.evaluate(CHARACTER_POSITIONS, [name.element_handle(), "John Smith"])
    assert positions == sorted(positions)  # a Latin name reads left to right inside the Arabic page
    assert "تقرير مهم، شكراً لكم." in page.locator(".comment__body").inner_text()


def test_with_javascript_off_a_comment_goes_through_at_the_second_send(browser, live_server, editorial_groups):
    article = make_article(headline_ar="تقرير بلا جافاسكربت")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    with time_machine.travel(timezone.now() - timedelta(minutes=1)):
        page.goto(article.get_absolute_url())
    page.fill("#id_name", "سلمى")
    page.fill("#id_email", "salma@example.org")
    page.fill("#id_body", "تعليق من هاتف قديم")
    page.check("#id_consent")
    with page.expect_navigation():
        page.get_by_role("button", name="أرسل التعليق").click()
    assert "يُرجى إرساله مجدداً" in page.content()
    assert page.input_value("#id_body") == "تعليق من هاتف قديم"  # nothing lost
    assert not Comment.objects.exists()
    page.check("#id_consent")
    with page.expect_navigation():
        page.get_by_role("button", name="أرسل التعليق").click()
    assert "ينتظر تعليقك مراجعة أحد المشرفين" in page.content()
    assert Comment.objects.get().body == "تعليق من هاتف قديم"
    context.close()
