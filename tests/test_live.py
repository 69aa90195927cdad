"""Live coverage as readers and the desk use it: entries newest first with lasting permalinks and parts, key points
and a pinned entry, corrections and withdrawals shown as such, the end of coverage, the poll answer (one address for
every reader, cached, 304, its interval the desk's to change), the feed and LiveBlogPosting JSON-LD; and posting
from the desk's phone form, with review (browser tests: tests/browser/test_live_browser.py)."""

import io
import json
import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from PIL import Image as PILImage

from articles.models import Image
from articles.services.images import image_store
from core.pagecache import pages_purge_all
from live.models import ENTRIES_PER_PART, LiveEntry, LiveEvent, LiveSettings
from live.services.coverage import coverage_end, coverage_start, live_settings_change
from live.services.entries import (
    entry_correct,
    entry_mark_key_point,
    entry_pin,
    entry_post,
    entry_publish,
    entry_withdraw,
)
from tests import photos
from tests.factories import make_article, make_staff, sign_in

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def editor():
    return make_staff("live-editor", "editor")


@pytest.fixture
def reporter():
    return make_staff("live-reporter", "reporter")


@pytest.fixture
def page(editor):
    article = make_article(
        headline_ar="تغطية مباشرة: المعارك حول البلدة", headline_en="Live: fighting around the town",
        body_ar="<p>ما نعرفه حتى الآن.</p>", body_en="<p>What we know so far.</p>",
    )  # fmt: skip
    return coverage_start(article=article, by=editor)


def post(page, by, text, **fields):
    return entry_post(article=page, by=by, text=text, **fields)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def entry_ids(html):
    return [int(pk) for pk in re.findall(r'<article class="live-entry[^"]*" id="entry-(\d+)"', html)]


def poll_url(page, language="ar"):
    with override(language):
        return reverse("live:poll", args=[page.pk])


def test_entries_show_newest_first_with_their_times(client, page, editor):
    first = post(page, editor, "سقطت قذائف على الحي الشرقي صباحاً.")
    second = post(page, editor, "الدفاع المدني: لا إصابات حتى الآن.")
    html = html_of(client, page.get_absolute_url())
    assert entry_ids(html) == [second.pk, first.pk]
    assert "الدفاع المدني: لا إصابات حتى الآن." in html
    assert f'<a href="/live/entries/{first.pk}/"><time datetime="' in html
    assert "بدأت التغطية" in html and "انتهت التغطية" not in html
    assert f'data-live-poll="/live/{page.pk}/poll.json" data-interval="20"' in html


def test_entry_text_goes_through_the_article_sanitiser_and_links_become_embeds_behind_consent(client, page, editor):
    post(page, editor, f'تحديث <script>alert(1)</script> <b onclick="x()">عريض</b>\n\n{YOUTUBE}')
    html = html_of(client, page.get_absolute_url())
    entry = html[html.index('class="live__entries"') : html.index("</section>", html.index('class="live__entries"'))]
    assert "<script>" not in entry and "<b onclick" not in entry
    assert "&lt;script&gt;" in entry  # a reporter's text is text: shown, never run
    # The lone address: a placeholder that loads nothing until external media are allowed.
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in entry and "<iframe" not in entry


def test_an_entry_from_rich_text_keeps_only_what_the_sanitiser_allows(page, editor):
    entry = entry_post(article=page, by=editor, body_html='<p onclick="x()">نص <a href="javascript:x()">رابط</a></p>')
    assert "onclick" not in entry.body and "javascript" not in entry.body


def test_an_entry_photo_loses_its_metadata(client, page, editor):
    photo = image_store(image=Image(alt_ar="دخان فوق الحي"), upload=photos.camera_jpeg(), by=editor)
    post(page, editor, "", photo=photo)
    with photo.original.open("rb") as stored:
        assert not PILImage.open(io.BytesIO(stored.read())).getexif()
    html = html_of(client, page.get_absolute_url())
    assert 'alt="دخان فوق الحي"' in html and "<picture>" in html


def test_a_quote_is_shown_with_who_said_it(client, page, editor):
    post(page, editor, "", quote="لن نغادر بيوتنا", quote_by="أحد السكان")
    html = html_of(client, page.get_absolute_url())
    assert "<blockquote><p>لن نغادر بيوتنا</p></blockquote><figcaption><bdi>أحد السكان</bdi></figcaption>" in html


def test_an_entry_in_english_on_the_arabic_page_says_its_language(client, page, editor):
    entry = post(page, editor, "Shelling reported in the east.", language="en")
    html = html_of(client, page.get_absolute_url())
    assert re.search(rf'id="entry-{entry.pk}"[^>]* lang="en" dir="ltr"', html)


def test_key_points_and_the_pinned_entry_lead_the_page(client, page, editor):
    crossing = post(page, editor, "أُغلق المعبر الوحيد أمام المدنيين.", title="إغلاق المعبر")
    for number in range(3):
        post(page, editor, f"تحديث رقم {number}")
    entry_mark_key_point(entry=crossing, by=editor)
    pinned = post(page, editor, "تعليمات للسكان: ابقوا بعيداً عن الجسر.")
    entry_pin(entry=pinned, by=editor)
    html = html_of(client, page.get_absolute_url())
    key_points = html[html.index('class="live__key-points"') :]
    assert f'<li><a href="#entry-{crossing.pk}">إغلاق المعبر</a></li>' in key_points
    pinned_box = html[html.index('class="live__pinned"') : html.index('class="live__entries"')]
    assert "تعليمات للسكان" in pinned_box and f'id="entry-{pinned.pk}"' not in pinned_box  # one id on the page
    assert html.count(f'id="entry-{pinned.pk}"') == 1
    # Pinning another unpins the first: one pinned entry per page.
    entry_pin(entry=crossing, by=editor)
    assert list(LiveEntry.objects.filter(article=page, pinned=True)) == [crossing]


def test_a_correction_is_visible_with_its_time_and_note(client, page, editor):
    entry = post(page, editor, "قُتل خمسة مدنيين.")
    with pytest.raises(Exception, match="يرى القرّاء الملاحظة"):
        entry_correct(entry=entry, by=editor, note="", body_html="<p>قُتل ثلاثة مدنيين.</p>")
    entry_correct(entry=entry, by=editor, note="العدد ثلاثة لا خمسة", body_html="<p>قُتل ثلاثة مدنيين.</p>")
    html = html_of(client, page.get_absolute_url())
    assert "قُتل ثلاثة مدنيين." in html and "قُتل خمسة" not in html
    assert re.search(r'<strong>صُحّح</strong> <time datetime="[^"]+">[^<]+</time>:\s+العدد ثلاثة لا خمسة', html)


def test_a_withdrawn_entry_leaves_a_notice_and_its_permalink_still_leads_there(client, page, editor):
    entry = post(page, editor, "خبر لم يتأكد.")
    entry_withdraw(entry=entry, by=editor)
    html = html_of(client, page.get_absolute_url())
    assert "خبر لم يتأكد." not in html and "سُحب هذا التحديث." in html
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 302 and response["Location"].endswith(f"?part=1#entry-{entry.pk}")


def test_older_entries_page_by_parts_that_keep_every_permalink(client, page, editor):
    entries = [post(page, editor, f"تحديث رقم {number}") for number in range(ENTRIES_PER_PART * 2 + 5)]
    html = html_of(client, page.get_absolute_url())
    assert entry_ids(html) == [entry.pk for entry in reversed(entries[-ENTRIES_PER_PART:])]
    # The newest page reaches back to the part holding the entry just before its oldest.
    assert f'href="{page.get_absolute_url()}?part=2"' in html
    first = client.get(entries[0].get_absolute_url())
    assert first["Location"] == f"{page.get_absolute_url()}?part=1#entry-{entries[0].pk}"
    part_one = html_of(client, f"{page.get_absolute_url()}?part=1")
    assert entry_ids(part_one) == [entry.pk for entry in reversed(entries[:ENTRIES_PER_PART])]
    assert f'href="{page.get_absolute_url()}?part=2"' in part_one and "data-live-poll" not in part_one
    # New entries never move an old one to another part.
    post(page, editor, "تحديث جديد")
    assert client.get(entries[0].get_absolute_url())["Location"].endswith(f"?part=1#entry-{entries[0].pk}")
    for bad in ("0", "99", "abc", "١"):
        assert client.get(f"{page.get_absolute_url()}?part={bad}").status_code == 404


def test_ended_coverage_says_so_and_stops_asking(client, page, editor):
    post(page, editor, "تحديث أخير.")
    coverage_end(article=page, by=editor)
    html = html_of(client, page.get_absolute_url())
    assert "انتهت التغطية" in html and "data-live-poll" not in html and "js/live" not in html
    answer = client.get(poll_url(page))
    assert answer.json()["interval"] == 0 and answer.json()["ended"] is True and answer["X-Poll-Interval"] == "0"
    with pytest.raises(Exception, match="لم يعد من الممكن نشر"):
        post(page, editor, "بعد النهاية")


def test_the_page_is_a_live_blog_posting_for_machines(client, page, editor):
    entry = post(page, editor, "وصلت قافلة مساعدات.", title="قافلة مساعدات")
    html = html_of(client, page.get_absolute_url())
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@type"] == "LiveBlogPosting" and data["coverageStartTime"] == page.live_started_at.isoformat()
    assert "coverageEndTime" not in data
    assert data["liveBlogUpdate"] == [
        {
            "@type": "BlogPosting",
            "headline": "قافلة مساعدات",
            "articleBody": "وصلت قافلة مساعدات.",
            "datePublished": entry.published_at.isoformat(),
            "dateModified": entry.published_at.isoformat(),
            "url": f"http://testserver{page.get_absolute_url()}#entry-{entry.pk}",
            "inLanguage": "ar",
        }
    ]
    ended = coverage_end(article=page, by=editor)
    html = html_of(client, page.get_absolute_url())
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["coverageEndTime"] == ended.live_ended_at.isoformat()


def test_the_feed_lists_the_entries_newest_first(client, page, editor):
    post(page, editor, "الأول")
    post(page, editor, "الثاني", title="عنوان الثاني")
    html = html_of(client, page.get_absolute_url())
    assert f'type="application/rss+xml" title="{page.headline}" href="/live/{page.pk}/feed/"' in html
    feed = html_of(client, f"/live/{page.pk}/feed/")
    assert feed.index("<title>عنوان الثاني</title>") < feed.index("<title>الأول</title>")


def test_the_front_page_marks_a_live_page(client, page, editor):
    html = html_of(client, "/")
    card = html[html.index(page.get_absolute_url()) - 400 : html.index(page.get_absolute_url())]
    assert '<span class="live-badge">مباشر</span>' in card
    coverage_end(article=page, by=editor)
    html = html_of(client, "/")
    assert '<span class="live-badge">' not in html


# The poll answer.


def test_the_poll_answer_is_one_cached_address_for_every_reader(page, editor, django_assert_num_queries):
    entry = post(page, editor, "تحديث")
    pages_purge_all()
    url = poll_url(page)
    first = Client().get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    answer = first.json()
    assert answer["interval"] == 20 and first["X-Poll-Interval"] == "20" and answer["ended"] is False
    assert [item["id"] for item in answer["entries"]] == [entry.pk]
    assert f'id="entry-{entry.pk}"' in answer["entries"][0]["html"]
    # Another reader, whatever cookies they carry, gets the same stored answer, with no query at all.
    other = Client()
    other.cookies["_ga"] = "GA1.2.3"
    with django_assert_num_queries(0):
        second = other.get(url)
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    # A browser that has it asks with its ETag: 304, and the interval header is still there.
    again = other.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again["X-Poll-Interval"] == "20"
    assert "public" in first["Cache-Control"] and "s-maxage" in first["Cache-Control"]


def test_a_new_entry_reaches_the_poll_answer_and_the_page_at_once(page, editor):
    post(page, editor, "الأول")
    pages_purge_all()
    reader = Client()
    for url in (poll_url(page), page.get_absolute_url(), "/"):
        reader.get(url)
        assert reader.get(url)["X-Page-Cache"] == "hit"
    newer = post(page, editor, "الثاني")
    answer = reader.get(poll_url(page))
    assert answer["X-Page-Cache"] == "miss" and answer.json()["entries"][0]["id"] == newer.pk
    assert f'id="entry-{newer.pk}"' in reader.get(page.get_absolute_url()).content.decode()


def test_the_desk_changes_the_interval_for_every_reader_at_once(page, editor):
    pages_purge_all()
    reader = Client()
    reader.get(poll_url(page))
    live_settings_change(poll_seconds=120, review_entries=False, by=editor)
    answer = reader.get(poll_url(page))
    assert answer.json()["interval"] == 120 and answer["X-Poll-Interval"] == "120"
    assert 'data-interval="120"' in reader.get(page.get_absolute_url()).content.decode()
    live_settings_change(poll_seconds=0, review_entries=False, by=editor)
    assert reader.get(poll_url(page)).json()["interval"] == 0
    assert "data-live-poll" not in reader.get(page.get_absolute_url()).content.decode()
    assert LiveEvent.objects.filter(action="settings_changed").count() == 2


def test_a_poll_answer_replaces_corrected_and_withdrawn_entries(client, page, editor):
    entry = post(page, editor, "الرقم خمسة")
    version = client.get(poll_url(page)).json()["entries"][0]["version"]
    entry_correct(entry=entry, by=editor, note="تصحيح الرقم", body_html="<p>الرقم ثلاثة</p>")
    corrected = client.get(poll_url(page)).json()["entries"][0]
    assert corrected["version"] > version and "الرقم ثلاثة" in corrected["html"] and "تصحيح الرقم" in corrected["html"]
    entry_withdraw(entry=entry, by=editor)
    withdrawn = client.get(poll_url(page)).json()["entries"][0]
    assert withdrawn["version"] > corrected["version"] and "سُحب هذا التحديث." in withdrawn["html"]


def test_the_english_poll_answer_speaks_english(client, page, editor):
    post(page, editor, "", quote="We will not leave", quote_by="A resident", language="en")
    answer = client.get(poll_url(page, "en")).json()
    assert "Live" in answer["status"] and "مباشر" not in answer["status"]


def test_pages_not_covered_live_have_no_poll_answer_or_feed(client):
    article = make_article()
    assert client.get(f"/live/{article.pk}/poll.json").status_code == 404
    assert client.get(f"/live/{article.pk}/feed/").status_code == 404
    assert client.get("/live/entries/999999/").status_code == 404
    draft = make_article(status="draft")
    assert client.get(f"/live/{draft.pk}/poll.json").status_code == 404


# Review and permissions.


def test_with_review_on_a_reporters_entry_waits_for_an_editor(client, page, editor, reporter):
    live_settings_change(poll_seconds=20, review_entries=True, by=editor)
    waiting = post(page, reporter, "تقرير من الميدان")
    assert waiting.status == LiveEntry.Status.PENDING
    assert "تقرير من الميدان" not in html_of(client, page.get_absolute_url())
    assert post(page, editor, "تحديث المحرر").is_published()  # editors' own entries show at once
    entry_publish(entry=waiting, by=editor)
    assert "تقرير من الميدان" in html_of(client, page.get_absolute_url())
    with pytest.raises(Exception, match="إلا المحررون"):
        entry_withdraw(entry=waiting, by=reporter)


def test_without_review_a_reporters_entry_shows_at_once(client, page, reporter):
    assert post(page, reporter, "تقرير مباشر").is_published()
    assert "تقرير مباشر" in html_of(client, page.get_absolute_url())


def test_the_desk_settings_refuse_an_interval_out_of_range(editor):
    with pytest.raises(Exception, match="600"):
        live_settings_change(poll_seconds=2, review_entries=False, by=editor)
    assert LiveSettings.current().poll_seconds == 20


# The phone form.


def post_url(page):
    return reverse("admin:live_post_entry", args=[page.pk])


def test_a_reporter_posts_text_and_a_photo_from_the_form(page, reporter):
    client = Client()
    sign_in(client, reporter)
    home = client.get(reverse("admin:index")).content.decode()
    assert f'href="{post_url(page)}"' in home  # the first tap
    form = client.get(post_url(page))
    assert form.status_code == 200 and 'name="text"' in form.content.decode()
    response = client.post(
        post_url(page),
        {"text": "وصلنا إلى مدخل البلدة.", "photo": photos.camera_jpeg(), "photo_alt": "مدخل البلدة", "language": "ar"},
    )
    assert response.status_code == 302 and response["Location"] == post_url(page)
    entry = LiveEntry.objects.get(article=page)
    assert entry.is_published() and entry.created_by == reporter and entry.photo.alt == "مدخل البلدة"
    assert entry.body == "<p>وصلنا إلى مدخل البلدة.</p>"
    assert "key_point" not in form.content.decode()  # editors only


def test_the_form_keeps_the_text_when_the_photo_is_refused(page, reporter):
    client = Client()
    sign_in(client, reporter)
    response = client.post(post_url(page), {"text": "نص مهم", "photo": photos.not_an_image(), "language": "ar"})
    html = response.content.decode()
    assert response.status_code == 200 and "نص مهم" in html and 'class="errorlist"' in html
    assert not LiveEntry.objects.exists()


def test_the_form_asks_for_something_to_post(page, reporter):
    client = Client()
    sign_in(client, reporter)
    response = client.post(post_url(page), {"text": "   ", "language": "ar"})
    assert response.status_code == 200 and "اكتب شيئاً" in response.content.decode()
    response = client.post(post_url(page), {"text": "x", "photo": photos.png(), "language": "ar"})
    assert "قل ما تظهره الصورة" in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_posting_to_ended_coverage_is_refused_with_a_message(page, reporter, editor):
    client = Client()
    sign_in(client, reporter)
    coverage_end(article=page, by=editor)
    response = client.post(post_url(page), {"text": "متأخر", "language": "ar"})
    assert response.status_code == 200 and "لم يعد من الممكن نشر" in response.content.decode()
    assert "متأخر" in response.content.decode()


@pytest.mark.parametrize("group, status", [(None, 403), ("moderator", 403), ("reporter", 200), ("editor", 200)])
def test_who_may_open_the_form(page, group, status):
    client = Client()
    sign_in(client, make_staff(f"form-{group}", group))
    assert client.get(post_url(page)).status_code == status


def test_the_form_needs_a_signed_in_staff_member(page):
    response = Client().get(post_url(page))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_act_is_logged_with_who(page, editor, reporter):
    entry = post(page, reporter, "نص")
    entry_pin(entry=entry, by=editor)
    entry_withdraw(entry=entry, by=editor)
    coverage_end(article=page, by=editor)
    log = list(LiveEvent.objects.order_by("id").values_list("action", "by__username"))
    assert log == [
        ("coverage_started", "live-editor"),
        ("entry_posted", "live-reporter"),
        ("entry_pinned", "live-editor"),
        ("entry_withdrawn", "live-editor"),
        ("coverage_ended", "live-editor"),
    ]


def test_the_live_page_query_count_is_fixed(page, editor, page_queries):
    photo = image_store(image=Image(alt_ar="صورة"), upload=photos.png(), by=editor)
    for number in range(4):
        entry = post(page, editor, f"تحديث {number}", photo=photo if number % 2 else None)
    entry_pin(entry=entry, by=editor)
    entry_mark_key_point(entry=entry, by=editor)
    url = page.get_absolute_url()
    Client().get(url)  # the desk settings' row exists from here on
    pages_purge_all()
    with page_queries(9):
        Client().get(url)
    for number in range(10):
        post(page, editor, f"تحديث إضافي {number}", photo=photo)
    pages_purge_all()
    with page_queries(9):
        Client().get(url)


# The desk in the admin.


def admin_client(user):
    client = Client()
    sign_in(client, user)
    return client


def test_an_editor_starts_and_ends_coverage_from_the_admin(editor):
    article = make_article(headline_ar="مقال سيصبح مباشراً")
    client = admin_client(editor)
    changelist = reverse("admin:live_livepage_changelist")
    assert "مقال سيصبح مباشراً" in client.get(changelist).content.decode()
    client.post(changelist, {"action": "start_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.is_live
    listing = client.get(changelist).content.decode()
    assert f'href="{reverse("admin:live_post_entry", args=[article.pk])}"' in listing
    client.post(changelist, {"action": "end_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.live_ended_at is not None and not article.is_live


def test_a_reporter_cannot_start_coverage(reporter):
    article = make_article()
    client = admin_client(reporter)
    response = client.post(
        reverse("admin:live_livepage_changelist"), {"action": "start_selected", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert not article.is_live and response.status_code in (200, 302)


def test_an_editor_reviews_pins_and_withdraws_entries_from_the_admin(page, editor, reporter):
    live_settings_change(poll_seconds=20, review_entries=True, by=editor)
    waiting = post(page, reporter, "ينتظر المراجعة")
    client = admin_client(editor)
    changelist = reverse("admin:live_liveentry_changelist")
    assert "ينتظر المراجعة" in client.get(changelist).content.decode()
    for action in ("publish_selected", "pin_selected", "key_point_selected"):
        client.post(changelist, {"action": action, "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.is_published() and waiting.pinned and waiting.key_point
    client.post(changelist, {"action": "withdraw_selected", "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.status == LiveEntry.Status.WITHDRAWN and not waiting.pinned


def test_an_editor_corrects_an_entry_from_the_admin_with_a_note(client, page, editor):
    entry = post(page, editor, "سبعة جرحى")
    desk = admin_client(editor)
    change = reverse("admin:live_liveentry_change", args=[entry.pk])
    fields = {"title": "", "body": "<p>أربعة جرحى</p>", "quote": "", "quote_by": ""}
    refused = desk.post(change, {**fields, "correction_note": ""})
    assert refused.status_code == 200 and "يرى القرّاء الملاحظة" in refused.content.decode()
    assert desk.post(change, {**fields, "correction_note": "العدد أربعة"}).status_code == 302
    html = html_of(client, page.get_absolute_url())
    assert "أربعة جرحى" in html and "العدد أربعة" in html


def test_the_desk_settings_page_changes_the_interval(page, editor):
    client = admin_client(editor)
    change = reverse("admin:live_livesettings_change", args=[1])
    assert client.get(reverse("admin:live_livesettings_changelist"))["Location"] == change
    assert client.post(change, {"poll_seconds": "90"}).status_code == 302
    assert LiveSettings.current().poll_seconds == 90 and not LiveSettings.current().review_entries
    refused = client.post(change, {"poll_seconds": "1"})
    assert refused.status_code == 200 and LiveSettings.current().poll_seconds == 90


def test_the_correction_form_refuses_an_empty_entry_and_a_withdrawn_one_is_read_only(page, editor):
    entry = post(page, editor, "نص")
    desk = admin_client(editor)
    change = reverse("admin:live_liveentry_change", args=[entry.pk])
    empty = {"title": "", "body": "", "quote": "", "quote_by": "", "correction_note": "حذف"}
    refused = desk.post(change, empty)
    assert refused.status_code == 200 and "يحتاج التحديث إلى نص أو اقتباس أو صورة" in refused.content.decode()
    entry_withdraw(entry=entry, by=editor)
    assert desk.post(change, {**empty, "body": "<p>عاد</p>"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == LiveEntry.Status.WITHDRAWN and entry.body == "<p>نص</p>"


def test_a_new_entry_moves_the_pages_last_change_in_the_sitemap(client, page, editor):
    entry = post(page, editor, "تحديث للخريطة")
    page.refresh_from_db()
    assert page.updated_at == entry.published_at  # the page changed when its newest entry was posted
    sitemap = html_of(client, "/sitemap.xml")
    block = sitemap[sitemap.index(f"http://testserver{page.get_absolute_url()}") :]
    lastmod = datetime.fromisoformat(re.search(r"<lastmod>([^<]+)</lastmod>", block).group(1))
    assert lastmod == entry.published_at  # to the second, not only the day


def test_a_pending_entry_is_withdrawn_unseen(client, page, editor, reporter):
    live_settings_change(poll_seconds=20, review_entries=True, by=editor)
    waiting = post(page, reporter, "لن يُنشر")
    admin_client(editor).post(
        reverse("admin:live_liveentry_changelist"), {"action": "withdraw_selected", "_selected_action": [waiting.pk]}
    )
    waiting.refresh_from_db()
    assert waiting.status == LiveEntry.Status.WITHDRAWN and waiting.sequence is None
    html = html_of(client, page.get_absolute_url())
    assert "لن يُنشر" not in html and "سُحب هذا التحديث" not in html
    assert client.get(waiting.get_absolute_url()).status_code == 404


def test_a_correction_that_the_sanitiser_empties_is_refused_on_the_form(page, editor):
    entry = post(page, editor, "نص")
    change = reverse("admin:live_liveentry_change", args=[entry.pk])
    fields = {"title": "", "body": "<script>alert(1)</script><div></div>", "quote": "", "quote_by": ""}
    refused = admin_client(editor).post(change, {**fields, "correction_note": "تصحيح"})
    assert refused.status_code == 200 and "يحتاج التحديث إلى نص أو اقتباس أو صورة" in refused.content.decode()


def test_unpublishing_or_renaming_the_page_reaches_its_poll_answer_and_feed(page, editor):
    from articles.services.articles import article_save, article_unpublish

    post(page, editor, "تحديث")
    pages_purge_all()
    reader = Client()
    for url in (poll_url(page), f"/live/{page.pk}/feed/"):
        reader.get(url)
        assert reader.get(url)["X-Page-Cache"] == "hit"
    page.headline_ar = "عنوان جديد للتغطية"
    article_save(article=page, by=editor, loaded_version=page.version)
    assert "<title>عنوان جديد للتغطية</title>" in reader.get(f"/live/{page.pk}/feed/").content.decode()
    article_unpublish(article=page, by=editor)
    assert reader.get(poll_url(page)).status_code == 404
    assert reader.get(f"/live/{page.pk}/feed/").status_code == 404


def test_pinning_gives_both_entries_a_new_version_for_open_pages(client, page, editor):
    first, second = post(page, editor, "الأول"), post(page, editor, "الثاني")
    entry_pin(entry=first, by=editor)
    before = {item["id"]: item["version"] for item in client.get(poll_url(page)).json()["entries"]}
    entry_pin(entry=second, by=editor)
    after = {item["id"]: item["version"] for item in client.get(poll_url(page)).json()["entries"]}
    assert after[first.pk] > before[first.pk] and after[second.pk] > before[second.pk]


def test_editing_a_live_article_refreshes_its_cards_updated_time(page, editor):
    from articles.services.articles import article_save

    pages_purge_all()
    reader = Client()
    reader.get("/")
    assert reader.get("/")["X-Page-Cache"] == "hit"
    page.body_ar = "<p>خلفية محدّثة.</p>"
    article_save(article=page, by=editor, loaded_version=page.version)
    assert reader.get("/")["X-Page-Cache"] == "miss"


def test_the_desk_lists_entries_waiting_for_review_among_the_latest(page, editor, reporter):
    live_settings_change(poll_seconds=20, review_entries=True, by=editor)
    for number in range(6):
        post(page, editor, f"منشور {number}")
    post(page, reporter, "ينتظر محرراً")
    html = admin_client(reporter).get(post_url(page)).content.decode()
    assert "ينتظر محرراً" in html and "ينتظر المراجعة" in html


def test_a_photo_for_ended_coverage_is_not_stored(page, editor, reporter):
    coverage_end(article=page, by=editor)
    response = admin_client(reporter).post(
        post_url(page), {"text": "", "photo": photos.camera_jpeg(), "photo_alt": "صورة", "language": "ar"}
    )
    assert response.status_code == 200 and "لم يعد من الممكن نشر" in response.content.decode()
    assert not Image.objects.exists()


def test_the_news_sitemap_keeps_a_live_page_while_its_coverage_goes_on(client, editor):
    old = make_article(headline_ar="تغطية بدأت قبل أيام", published_at=timezone.now() - timedelta(days=4))
    coverage_start(article=old, by=editor)
    assert "تغطية بدأت قبل أيام" in html_of(client, "/sitemap-news.xml")
    coverage_end(article=old, by=editor)
    assert "تغطية بدأت قبل أيام" not in html_of(client, "/sitemap-news.xml")
