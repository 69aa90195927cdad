"""The urgent alert («عاجل»): on every reader page at once, in each language where translated, without JavaScript;
gone at once when withdrawn or expired (cached pages included); the past ones listed for editors; polite to screen
readers; no query on a warm worker."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.pagecache import pages_purge_all
from live.models import LiveEvent, UrgentAlert
from live.services.alerts import alert_publish, alert_withdraw
from tests.factories import make_article, make_section, make_staff, sign_in

pytestmark = pytest.mark.django_db

BAR = re.compile(r'<aside class="urgent" aria-labelledby="urgent-label">(.*?)</aside>', re.S)


@pytest.fixture
def editor():
    return make_staff("alert-editor", "editor")


@pytest.fixture
def story():
    return make_article(headline_ar="انقطاع الجسر", headline_en="The bridge is cut", section=make_section())


def reader_pages(story):
    """Arabic reader pages of every kind: cached ones, and the cookie settings page, which never is."""
    return ["/", story.get_absolute_url(), story.section.get_absolute_url(), "/search/?q=جسر", "/privacy/",
            "/cookies/"]  # fmt: skip


def bar(response):
    match = BAR.search(response.content.decode())
    return match.group(1) if match else None


def publish(editor, text_ar="عاجل: إغلاق المعبر الحدودي", text_en="", minutes=60, **fields):
    return alert_publish(
        text_ar=text_ar, text_en=text_en, expires_at=timezone.now() + timedelta(minutes=minutes), by=editor, **fields
    )


def test_an_alert_shows_on_every_reader_page_at_once_cached_pages_included(editor, story):
    pages_purge_all()
    reader = Client()
    for url in reader_pages(story):
        reader.get(url)
    publish(editor, article=story)
    for url in reader_pages(story):
        response = reader.get(url)
        shown = bar(response)
        assert shown is not None, url
        assert "إغلاق المعبر الحدودي" in shown and f'href="{story.get_absolute_url()}"' in shown, url
        assert '<strong class="urgent__label" id="urgent-label">عاجل</strong>' in shown


def test_the_bar_is_drawn_with_the_page_polite_and_never_focused(editor, story):
    publish(editor)
    html = Client().get("/").content.decode()
    shown = bar(Client().get("/"))
    assert 'role="status"' in shown and "tabindex" not in shown and "autofocus" not in shown
    # First after the skip link: readers and screen readers meet it before the masthead, without a script.
    assert html.index('class="skip-link"') < html.index('class="urgent"') < html.index('class="masthead"')


def test_english_pages_show_it_only_where_translated(editor, story):
    alert = publish(editor)
    assert bar(Client().get("/en/")) is None
    alert_withdraw(alert=alert, by=editor)
    publish(editor, text_en="Border crossing closed", article=story)
    english = bar(Client().get("/en/"))
    assert "Border crossing closed" in english and "Urgent" in english and "المعبر" not in english
    with_link = re.search(r'href="([^"]+)"', english).group(1)
    assert with_link.startswith("/en/news/")


def test_withdrawing_takes_it_off_every_page_at_once(editor, story):
    alert = publish(editor)
    pages_purge_all()
    reader = Client()
    for url in reader_pages(story):
        assert bar(reader.get(url)) is not None
        assert reader.get(url)["X-Page-Cache"] == ("bypass" if url == "/cookies/" else "hit")
    alert_withdraw(alert=alert, by=editor)
    for url in reader_pages(story):
        assert bar(reader.get(url)) is None, url
    assert LiveEvent.objects.filter(action="alert_withdrawn", by=editor).exists()


def test_its_expiry_takes_it_off_every_cached_page_with_no_write(editor, story):
    publish(editor, minutes=30)
    pages_purge_all()
    reader = Client()
    for url in reader_pages(story):
        reader.get(url)
        assert bar(reader.get(url)) is not None
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        for url in reader_pages(story):
            assert bar(reader.get(url)) is None, url


def test_the_newest_showing_alert_is_shown_and_an_older_one_returns_when_it_expires(editor):
    publish(editor, text_ar="الخبر الأقدم", minutes=120)
    publish(editor, text_ar="الخبر الأحدث", minutes=10)
    assert "الخبر الأحدث" in bar(Client().get("/"))
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert "الخبر الأقدم" in bar(Client().get("/"))


def test_a_warm_worker_reads_no_query_for_the_bar_and_a_cold_one_reads_one(editor, page_queries):
    """The privacy page takes three queries without an alert (tests/test_query_counts.py)."""
    from django.core.cache import cache

    from live.alerts import ALERTS_CACHE_KEY

    publish(editor)
    Client().get("/privacy/")  # the first page after the change reads the alerts and keeps them
    pages_purge_all()
    with page_queries(3):
        assert bar(Client().get("/privacy/")) is not None
    cache.delete(ALERTS_CACHE_KEY)
    pages_purge_all()
    with page_queries(4):
        assert bar(Client().get("/privacy/")) is not None


def test_an_alert_needs_arabic_text_and_a_future_expiry(editor):
    with pytest.raises(Exception, match="نص عربي"):
        publish(editor, text_ar="   ")
    with pytest.raises(Exception, match="بعد نشره"):
        publish(editor, minutes=-1)
    assert not UrgentAlert.objects.exists()


def test_an_editor_publishes_from_the_admin_and_finds_past_alerts_listed(editor, story):
    client = Client()
    sign_in(client, editor)
    add = reverse("admin:live_urgentalert_add")
    refused = client.post(add, {"text_ar": "", "lasts": "60"})
    assert refused.status_code == 200 and 'class="errorlist"' in refused.content.decode()
    response = client.post(add, {"text_ar": "عاجل من الميدان", "text_en": "", "article": story.pk, "lasts": "60"})
    assert response.status_code == 302
    assert "عاجل من الميدان" in bar(Client().get("/"))
    field_alert = UrgentAlert.objects.get(text_ar="عاجل من الميدان")
    response = client.post(
        reverse("admin:live_urgentalert_changelist"),
        {"action": "withdraw_selected", "_selected_action": [field_alert.pk]},
    )
    assert response.status_code == 302
    assert bar(Client().get("/")) is None
    publish(editor, text_ar="خبر الأمس", minutes=5)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        listing = client.get(reverse("admin:live_urgentalert_changelist")).content.decode()
    assert "خبر الأمس" in listing and "منتهٍ" in listing and "عاجل من الميدان" in listing and "مسحوب" in listing


@pytest.mark.parametrize("group, status", [("reporter", 403), ("moderator", 403), ("editor", 200)])
def test_only_editors_publish_alerts(group, status):
    client = Client()
    sign_in(client, make_staff(f"alert-{group}", group))
    assert client.get(reverse("admin:live_urgentalert_add")).status_code == status


def test_a_state_written_out_of_order_is_mended_by_the_job_seconds_later(editor):
    """Two alert changes committed at the same moment can store the state between them (the first one's reading
    stored after the second's); the job each change enqueues reads it again a few seconds later."""
    from django.core.cache import cache

    from live.alerts import ALERTS_CACHE_KEY
    from tests.factories import run_jobs

    publish(editor, text_ar="الخبر الذي كاد يضيع")
    pages_purge_all()
    cache.set(ALERTS_CACHE_KEY, [])  # the state before the change, stored after it
    assert bar(Client().get("/")) is None
    with time_machine.travel(timezone.now() + timedelta(seconds=6)):
        assert run_jobs() >= 1
        assert "الخبر الذي كاد يضيع" in bar(Client().get("/"))
