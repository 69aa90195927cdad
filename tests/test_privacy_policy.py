"""The privacy & cookies policy page and its versions, the consent log in the admin and its retention, and media
embeds behind their placeholder."""

import csv
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from consent.embeds import PROVIDERS, provider_for, render_embeds
from consent.models import ConsentRecord, PolicyVersion
from tests.factories import make_article, sign_in

pytestmark = pytest.mark.django_db


def test_the_policy_page_shows_the_version_in_force_with_the_numbers_from_settings(client, settings):
    settings.NEWSROOM_COMMENT_IP_RETENTION_DAYS = 21
    settings.NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS = 200
    settings.NEWSROOM_CONSENT_LOG_RETENTION_DAYS = 400
    html = client.get("/privacy/").content.decode()
    assert '<h1 class="article__headline">سياسة الخصوصية وملفات تعريف الارتباط</h1>' in html
    assert "الإصدار 1، ساري المفعول منذ" in html and "نكتب هذه السياسة بلغة واضحة" in html
    assert "بعد 21 يوماً" in html and "بعد 200 يوم" in html and "ويُحذف السجل بعد 400 يوم" in html
    # The cookies of each category, from the list the banner uses.
    for name in ("consent", "consent_id", "csrftoken", "sessionid"):
        assert f'<code dir="ltr">{name}</code>' in html
    assert "لا نستخدم حالياً أي أداة تحليل" in html
    assert 'id="cookies"' in html and 'href="/cookies/"' in html


def test_the_policy_lists_the_analytics_cookies_once_a_tool_is_configured(client, settings):
    settings.NEWSROOM_ANALYTICS_SCRIPT_URL = "https://stats.example.org/matomo.js"
    settings.NEWSROOM_ANALYTICS_COOKIES = ["_pk_id", "_pk_ses"]
    html = client.get("/privacy/").content.decode()
    assert '<code dir="ltr">_pk_id</code>' in html and "لا نستخدم حالياً" not in html


def test_the_english_policy_is_english_or_says_it_is_not_translated(client):
    html = client.get("/en/privacy/").content.decode()
    assert "We write this policy in plain words" in html and "Version 1, in effect since" in html
    PolicyVersion.objects.create(number=2, title_ar="سياسة محدّثة", body_ar="<p>نص عربي فقط.</p>")
    html = client.get("/en/privacy/").content.decode()
    assert "has not been translated yet" in html
    assert '<div class="policy__text" lang="ar" dir="rtl"><p>نص عربي فقط.</p></div>' in html


def test_earlier_versions_stay_readable_and_future_ones_hidden(client):
    later = timezone.now() + timedelta(days=7)
    PolicyVersion.objects.create(number=2, title_ar="سياسة", body_ar="<p>الإصدار الثاني.</p>")
    PolicyVersion.objects.create(number=3, title_ar="سياسة", body_ar="<p>الثالث.</p>", effective_at=later)
    html = client.get("/privacy/").content.decode()
    assert "الإصدار الثاني." in html and 'href="/privacy/?version=1"' in html
    old = client.get("/privacy/", {"version": 1}).content.decode()
    assert "نكتب هذه السياسة" in old and "هذا إصدار سابق." in old
    for wanted in ("3", "99", "abc", "-1", "①", "²", "٣", "9" * 5000):
        assert client.get("/privacy/", {"version": wanted}).status_code == 404


def test_policy_text_is_sanitised_when_saved_and_shown(client):
    PolicyVersion.objects.create(
        number=2, title_ar="سياسة", body_ar='<p onclick="steal()">نص</p><script>alert(1)</script><iframe src="x">'
    )
    html = client.get("/privacy/").content.decode()
    assert "steal()" not in html and "alert(1)" not in html and '<iframe src="x"' not in html


@pytest.fixture
def superuser_client(client):
    sign_in(client, get_user_model().objects.create_superuser("hala", "hala@example.org", "unused password"))
    return client


def test_a_new_version_starts_from_the_current_text_and_gets_the_next_number(superuser_client):
    page = superuser_client.get("/admin/consent/policyversion/add/").content.decode()
    assert "نكتب هذه السياسة بلغة واضحة" in page
    response = superuser_client.post(
        "/admin/consent/policyversion/add/",
        {
            "title_ar": "سياسة الخصوصية", "title_en": "", "body_ar": "<p>نص معدّل.</p>", "body_en": "",
            "changes_ar": "أضفنا فقرة عن الفيديو.", "changes_en": "",
            "effective_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "effective_at_1": timezone.localtime().strftime("%H:%M:%S"),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    version = PolicyVersion.objects.get(number=2)
    assert version.created_by.username == "hala"
    assert "أضفنا فقرة عن الفيديو." in superuser_client.get("/privacy/").content.decode()


def test_a_new_version_cannot_take_effect_before_the_one_in_force(superuser_client):
    response = superuser_client.post(
        "/admin/consent/policyversion/add/",
        {"title_ar": "سياسة", "body_ar": "<p>نص.</p>", "effective_at_0": "2020-01-01", "effective_at_1": "00:00:00"},
    )
    assert response.status_code == 200 and "لا يمكن أن يسري هذا الإصدار قبل الإصدار 1" in response.content.decode()
    assert not PolicyVersion.objects.filter(number=2).exists()


def test_a_scheduled_version_keeps_its_place_between_its_neighbours(superuser_client):
    now = timezone.now()
    second = PolicyVersion.objects.create(
        number=2, title_ar="ب", body_ar="<p>ب</p>", effective_at=now + timedelta(days=2)
    )
    PolicyVersion.objects.create(number=3, title_ar="ج", body_ar="<p>ج</p>", effective_at=now + timedelta(days=4))
    second.full_clean()  # saved as it is: fine
    second.effective_at = now + timedelta(days=5)
    with pytest.raises(ValidationError, match="بعد الإصدار 3"):
        second.full_clean()
    second.effective_at = now - timedelta(days=30)
    with pytest.raises(ValidationError, match="قبل الإصدار 1"):
        second.full_clean()


def test_a_version_in_effect_can_be_neither_edited_nor_deleted(superuser_client):
    policy = PolicyVersion.objects.get(number=1)
    page = superuser_client.get(f"/admin/consent/policyversion/{policy.pk}/change/").content.decode()
    assert 'name="title_ar"' not in page and 'name="body_ar"' not in page
    assert (
        superuser_client.post(f"/admin/consent/policyversion/{policy.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert PolicyVersion.objects.filter(number=1).exists()


def _record(consent_id, **fields):
    return ConsentRecord.objects.create(
        consent_id=consent_id,
        analytics=fields.pop("analytics", False),
        embeds=fields.pop("embeds", False),
        method=fields.pop("method", "reject_all"),
        policy_version=PolicyVersion.objects.get(number=1),
        language="ar",
        **fields,
    )


def test_admins_look_a_consent_id_up_and_export_the_log(superuser_client):
    mine = "a" * 22
    _record(mine, method="accept_all", analytics=True, embeds=True)
    _record(mine, method="reject_all")
    _record("b" * 22)
    listing = superuser_client.get("/admin/consent/consentrecord/", {"q": mine}).content.decode()
    assert listing.count(mine) >= 2 and "b" * 22 not in listing
    response = superuser_client.post(
        "/admin/consent/consentrecord/",
        {"action": "export_csv", "_selected_action": list(ConsentRecord.objects.values_list("pk", flat=True))},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["consent_id", "time_utc", "method", "analytics", "embeds", "policy_version", "language", "gpc"]
    assert [row[2] for row in rows[1:] if row[0] == mine] == ["accept_all", "reject_all"]
    assert rows[1][5] == "1" and rows[1][1].endswith("+00:00")


def test_no_one_edits_or_deletes_the_log_in_the_admin(superuser_client):
    record = _record("c" * 22)
    page = superuser_client.get(f"/admin/consent/consentrecord/{record.pk}/change/").content.decode()
    assert 'name="consent_id"' not in page
    assert (
        superuser_client.post(f"/admin/consent/consentrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert superuser_client.get("/admin/consent/consentrecord/add/").status_code == 403


@pytest.mark.parametrize(("group", "status"), [("reporter", 403), ("editor", 403), ("moderator", 200)])
def test_moderators_may_read_the_consent_log(client, group, status):
    user = get_user_model().objects.create_user("staff", "s@example.org", "unused password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    sign_in(client, user)
    assert client.get("/admin/consent/consentrecord/").status_code == status


def test_the_retention_command_purges_old_consent_records(settings, capsys):
    settings.NEWSROOM_CONSENT_LOG_RETENTION_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=31), tick=False):
        _record("o" * 22)
    with time_machine.travel(start - timedelta(days=29), tick=False):
        _record("n" * 22)
    call_command("apply_retention", "--dry-run")
    assert "Consent records deleted: 1" in capsys.readouterr().out and ConsentRecord.objects.count() == 2
    call_command("apply_retention")
    call_command("apply_retention")  # idempotent
    assert list(ConsentRecord.objects.values_list("consent_id", flat=True)) == ["n" * 22]


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?t=42", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://www.youtube.com/watch?v=short", None),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ", None),
    ],
)
def test_known_providers_only(url, player):
    assert provider_for(url)[1] == player


def test_only_a_link_alone_in_its_paragraph_becomes_media():
    body = (
        '<p><a href="https://youtu.be/dQw4w9WgXcQ" rel="noopener noreferrer">شاهد</a></p>'
        "<p>https://vimeo.com/76979871</p>"
        '<p>راجع <a href="https://youtu.be/dQw4w9WgXcQ">المقطع</a> هنا.</p>'
        '<p><a href="https://example.org/">رابط عادي</a></p>'
    )
    html = render_embeds(body, allowed=False, next_path="/news/1/x/")
    assert html.count('<figure class="embed"') == 2 and 'id="embed-1"' in html and 'id="embed-2"' in html
    assert "<iframe" not in html and 'value="/news/1/x/#embed-2"' in html
    assert 'راجع <a href="https://youtu.be/dQw4w9WgXcQ">المقطع</a> هنا.' in html
    assert '<a href="https://example.org/">رابط عادي</a>' in html
    allowed = render_embeds(body, allowed=True, next_path="/")
    assert allowed.count("<iframe") == 2 and 'src="https://player.vimeo.com/video/76979871?dnt=1"' in allowed


def test_the_content_security_policy_admits_every_provider_frame_and_nothing_else(client, settings):
    frames = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]
    assert sorted(frames) == sorted(provider.origin for provider in PROVIDERS)
    header = client.get("/").headers["Content-Security-Policy"]
    assert re.search(r"frame-src https://www\.youtube-nocookie\.com https://player\.vimeo\.com", header)


def test_an_article_with_media_shows_a_placeholder_with_a_plain_link(client):
    article = make_article(body_ar='<p><a href="https://vimeo.com/76979871">https://vimeo.com/76979871</a></p>')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "هذا المحتوى مستضاف لدى <bdi>فيميو</bdi>" in html and "عرض المحتوى الخارجي" in html
    assert '<a href="https://vimeo.com/76979871" rel="nofollow noopener noreferrer" dir="auto">' in html
    assert 'player.vimeo.com/video/76979871?dnt=1"' in html  # as data for the page's script, not a frame
    assert "<iframe" not in html
