"""Newsletters (newsletters/): a reader subscribes to the daily digest and/or urgent alerts from a cached page,
confirms by a signed link, and unsubscribes in one click from any message; the digest and alerts go out through
the job queue in batches, to a real SMTP server on loopback, once per subscriber whatever the server does."""

import base64
import json
import re
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.privacy import request_link_token
from live.services.alerts import alert_publish, alert_withdraw
from newsletters.models import Delivery, Mailing, Subscriber
from newsletters.sending import unsubscribe_url
from newsletters.services.mailings import digest_create
from newsletters.tokens import confirm_token, unsubscribe_token
from tests.factories import make_article, make_staff, run_jobs, sign_in
from tests.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
SIGN_UP = {"email": "Salma@example.org", "lists": ["digest", "alerts"], "language": "ar", "consent": "on"}


@pytest.fixture(autouse=True)
def _policy(privacy_policy, settings):
    settings.NEWSROOM_SITE_URL = "https://news.example.org"
    return privacy_policy


def _sign_up(client, **fields):
    return client.post("/newsletters/", {**SIGN_UP, **fields}, **SAME_ORIGIN)


def _link(mailoutbox):
    run_jobs()
    return re.search(r"https://news\.example\.org(/\S+)", mailoutbox[-1].body).group(1)


def subscriber(email="reader@example.org", *, digest=True, alerts=True, language="ar"):
    now = timezone.now()
    return Subscriber.objects.create(
        email=email, digest=digest, alerts=alerts, language=language,
        status="confirmed", confirmed_at=now, consent_at=now, consent_version=1,
    )  # fmt: skip


def _body(message, subtype):
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset())
    raise AssertionError(f"no text/{subtype} part")


# Signing up.


def test_the_page_is_the_same_for_everyone_and_carries_no_csrf_token(client, page_queries):
    """The sign-up page is cacheable: no token, no cookie; its form posts to itself with an unticked consent box
    linking to the policy."""
    with page_queries(1):
        response = client.get("/newsletters/")
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    assert "csrfmiddlewaretoken" not in html and not response.cookies
    assert 'name="consent"' in html and "checked" not in html.split('name="consent"')[1].split(">")[0]
    assert 'href="/privacy/#newsletters"' in html
    with page_queries(0):
        again = client.get("/newsletters/")  # from the page cache
    assert again.content == response.content


def test_the_consent_text_and_the_policy_give_the_retention_in_force(client, settings):
    settings.NEWSROOM_NEWSLETTER_CONFIRM_DAYS = 3
    page = client.get("/newsletters/").content.decode()
    assert "ويُحذف الطلب غير المؤكَّد بعد 3 أيام" in page and 'href="/privacy/#newsletters"' in page
    policy = client.get("/privacy/").content.decode()
    assert 'id="newsletters"' in policy and "ويُحذف الطلب غير المؤكَّد بعد 3 أيام" in policy
    assert "افتحه خلال 3 أيام للتأكيد" in _sign_up(client).content.decode()


def test_double_opt_in_records_consent_and_confirms_only_by_the_button(client, mailoutbox, privacy_policy):
    response = _sign_up(client)
    assert response.status_code == 200 and "أرسلنا رابطاً إلى هذا العنوان" in response.content.decode()
    pending = Subscriber.objects.get()
    assert (pending.email, pending.status, pending.consent_version) == ("salma@example.org", "pending", 1)
    assert pending.digest and pending.alerts and timezone.now() - pending.consent_at < timedelta(minutes=1)
    assert mailoutbox == []  # the confirmation goes by the job queue
    link = _link(mailoutbox)
    assert mailoutbox[-1].to == ["Salma@example.org"]
    assert mailoutbox[-1].subject == "أكّد اشتراكك في النشرات البريدية"
    assert "افتح هذا الرابط خلال يومين" in mailoutbox[-1].body
    assert DBTaskResult.objects.filter(task_path="newsletters.jobs.confirmation_send").count() == 0  # forgotten
    page = client.get(link)
    assert "أكّد اشتراكي" in page.content.decode()
    assert Subscriber.objects.get().status == "pending"  # a link scanner confirms nothing
    confirmed = client.post(link)
    assert "تأكّد اشتراكك" in confirmed.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed" and subscriber.confirmed_at is not None
    assert subscriber.consent_version == privacy_policy.number


def test_english_sign_up_from_the_english_page(client, mailoutbox):
    response = client.post("/en/newsletters/", {**SIGN_UP, "language": "en", "lists": ["alerts"]}, **SAME_ORIGIN)
    assert "We have sent a link" in response.content.decode()
    link = _link(mailoutbox)
    assert link.startswith("/en/newsletters/confirm/") and mailoutbox[-1].subject.startswith("Confirm your")
    client.post(link)
    subscriber = Subscriber.objects.get()
    assert (subscriber.language, subscriber.digest, subscriber.alerts) == ("en", False, True)


def test_a_known_address_gets_the_same_answer_and_keeps_its_lists_until_it_confirms(client, mailoutbox):
    known = subscriber("salma@example.org", alerts=False)
    first = _sign_up(client, lists=["alerts"])
    second = _sign_up(client, email="nobody@example.org", lists=["alerts"])
    assert first.content == second.content
    known.refresh_from_db()
    assert (known.digest, known.alerts) == (True, False)  # a stranger cannot change someone's lists
    run_jobs()
    link = re.search(r"https://news\.example\.org(/\S+)", mailoutbox[0].body).group(1)
    client.post(link)
    known.refresh_from_db()
    assert (known.digest, known.alerts, known.status) == (False, True, "confirmed")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"consent": ""}, "ضع علامة في المربع"),
        ({"lists": []}, "اختر نشرة واحدة على الأقل"),
        ({"lists": ["digest", "sport"]}, "sport"),
        ({"email": "not-an-address"}, 'name="email"'),
        ({"email": "a" * 250 + "@example.org"}, 'name="email"'),
        ({"language": "fr"}, 'name="language"'),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_kept(client, mailoutbox, fields, message):
    response = _sign_up(client, **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert Subscriber.objects.count() == 0 and DBTaskResult.objects.count() == 0


def test_a_cross_site_sign_up_is_refused(client):
    response = client.post("/newsletters/", SIGN_UP, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403 and "من صفحات هذا الموقع" in response.content.decode()
    assert client.post("/newsletters/", SIGN_UP, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert client.post("/newsletters/", SIGN_UP).status_code == 403  # no header at all: not from a page
    assert Subscriber.objects.count() == 0


def test_sign_ups_are_rate_limited_per_address_and_per_client(client, settings):
    settings.NEWSROOM_NEWSLETTER_RATE_PER_EMAIL, settings.NEWSROOM_NEWSLETTER_RATE_PER_CLIENT = 2, 4
    assert [_sign_up(client).status_code for _ in range(3)] == [200, 200, 429]
    limited = _sign_up(client)
    assert "طلبات اشتراك كثيرة" in limited.content.decode() and limited["Retry-After"] == "600"
    assert _sign_up(client, email="other@example.org").status_code == 429  # the client's fifth
    other_client = Client(REMOTE_ADDR="198.51.100.7")
    assert _sign_up(other_client, email="other@example.org").status_code == 200


def test_no_sign_up_before_there_is_a_privacy_policy(client):
    from consent.models import PolicyVersion
    from consent.state import forget_policy_version

    PolicyVersion.objects.all().delete()
    forget_policy_version()
    response = _sign_up(client)
    assert response.status_code == 503 and Subscriber.objects.count() == 0


def test_a_bad_or_expired_confirmation_link_is_refused(client):
    assert client.get("/newsletters/confirm/forged/").status_code == 400
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        old = confirm_token(email="a@example.org", digest=True, alerts=False, language="ar", consent_version=1,
                            consent_at=timezone.now())  # fmt: skip
    response = client.post(f"/newsletters/confirm/{old}/")
    assert response.status_code == 400 and "انتهت مدته" in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_unconfirmed_sign_ups_expire_with_the_retention_command(client):
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        _sign_up(client, email="old@example.org")
    _sign_up(client, email="new@example.org")
    kept = subscriber("confirmed@example.org")
    Subscriber.objects.filter(pk=kept.pk).update(created_at=timezone.now() - timedelta(days=30))
    call_command("apply_retention")
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"new@example.org", "confirmed@example.org"}


# Unsubscribing.


def test_one_click_unsubscribe_is_a_post_without_csrf_and_a_get_changes_nothing():
    reader = subscriber()
    path = unsubscribe_url(reader).removeprefix("https://news.example.org")
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200 and "إلغاء الاشتراك" in page.content.decode()
    assert Subscriber.objects.filter(pk=reader.pk).exists()  # link scanners unsubscribe nobody
    # What a mail client sends for RFC 8058's List-Unsubscribe-Post: no cookie, no token, no Origin.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and not Subscriber.objects.filter(pk=reader.pk).exists()
    assert client.post(path).status_code == 200  # again: nothing left, the same answer


def test_a_forged_unsubscribe_token_is_refused():
    reader = subscriber()
    forged = unsubscribe_token(reader.key)[:-2] + "xx"
    assert Client().post(f"/newsletters/unsubscribe/{forged}/").status_code == 400
    assert Subscriber.objects.filter(pk=reader.pk).exists()


# The messages.


def test_the_digest_is_rtl_html_with_a_text_part_plain_links_and_one_click_unsubscribe(mailoutbox):
    lead = make_article(headline_ar="القصة الأولى اليوم", standfirst_ar="ما جرى & لماذا")
    others = [make_article() for _ in range(3)]
    reader = subscriber()
    subscriber("alerts-only@example.org", digest=False)
    subscriber("english@example.org", language="en")
    call_command("send_digest")
    run_jobs()
    [message] = mailoutbox
    assert message.to == ["reader@example.org"]
    assert message.subject.startswith("أخبار اليوم: ")
    html = message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"
    assert html.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">')
    assert len(html.encode()) < 30_000 and "<img" not in html and "<script" not in html
    for article in [lead, *others]:
        link = f"https://news.example.org{article.get_absolute_url()}"
        assert f'href="{link}"' in html and link in message.body
    assert "ما جرى &amp; لماذا" in html and "ما جرى & لماذا" in message.body
    unsubscribe = unsubscribe_url(reader, "digest")  # the digest's own list (RFC 8058: one click leaves it)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in html and unsubscribe in message.body
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    assert all(href.startswith("https://news.example.org/") for href in hrefs)  # no tracker's redirect


def test_the_english_digest_is_ltr_and_has_english_links(mailoutbox):
    make_article(headline_en="The day's story")
    subscriber("english@example.org", language="en", alerts=False)
    call_command("send_digest")
    run_jobs()
    [message] = mailoutbox
    assert '<html lang="en" dir="ltr">' in message.alternatives[0].content
    assert "The day's story" in message.subject and "https://news.example.org/en/" in message.body


def test_send_digest_is_once_a_day_and_once_per_subscriber(mailoutbox):
    make_article()
    subscriber("one@example.org")
    subscriber("two@example.org")
    call_command("send_digest")
    call_command("send_digest")
    assert run_jobs() == 1
    call_command("send_digest")
    run_jobs()
    assert sorted(m.to[0] for m in mailoutbox) == ["one@example.org", "two@example.org"]
    assert Mailing.objects.count() == 1 and Delivery.objects.count() == 2
    # The batch run again (a worker killed before it recorded its end) sends nobody twice.
    from newsletters.jobs import mailing_send_batch

    mailing_send_batch.enqueue(mailing_id=Mailing.objects.get().pk, subscriber_ids=list(
        Subscriber.objects.values_list("pk", flat=True)))  # fmt: skip
    run_jobs()
    assert len(mailoutbox) == 2
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert len(digest_create()) == 1


def test_no_digest_without_subscribers_or_stories(mailoutbox):
    make_article()
    call_command("send_digest")
    assert Mailing.objects.count() == 0
    subscriber()
    from articles.models import Article

    Article.objects.all().delete()
    call_command("send_digest")
    assert Mailing.objects.count() == 0


def test_an_urgent_alert_goes_to_the_alert_list_in_its_language(mailoutbox):
    editor = make_staff("desk-editor", "editor")
    story = make_article(headline_en="Story")
    subscriber("arabic@example.org", digest=False)
    subscriber("english@example.org", language="en", digest=False)
    subscriber("digest-only@example.org", alerts=False)
    pending = subscriber("pending@example.org")
    Subscriber.objects.filter(pk=pending.pk).update(status="pending", confirmed_at=None)
    alert_publish(text_ar="انفجار في المدينة", text_en="Blast in the city", article=story,
                  expires_at=timezone.now() + timedelta(hours=2), by=editor)  # fmt: skip
    run_jobs()
    sent = {message.to[0]: message for message in mailoutbox}
    assert set(sent) == {"arabic@example.org", "english@example.org"}
    assert sent["arabic@example.org"].subject == "عاجل: انفجار في المدينة"
    assert sent["english@example.org"].subject == "Urgent: Blast in the city"
    assert f"https://news.example.org{story.get_absolute_url()}" in sent["arabic@example.org"].body


def test_an_alert_withdrawn_before_its_job_runs_is_not_mailed_and_one_without_english_not_in_english(mailoutbox):
    editor = make_staff("desk-editor", "editor")
    subscriber("arabic@example.org", digest=False)
    subscriber("english@example.org", language="en", digest=False)
    withdrawn = alert_publish(text_ar="خبر سُحب", expires_at=timezone.now() + timedelta(hours=1), by=editor)
    alert_withdraw(alert=withdrawn, by=editor)
    run_jobs()
    assert mailoutbox == []
    alert_publish(text_ar="خبر بالعربية وحدها", expires_at=timezone.now() + timedelta(hours=1), by=editor)
    run_jobs()
    assert [message.to for message in mailoutbox] == [["arabic@example.org"]]


# A real mail server on loopback.


class _Refusing:
    """Collects messages; refuses `refused` for good (550) and `deferred` once (451) at RCPT, and the message to
    `rejected` for good (554) at DATA."""

    def __init__(self, refused=(), deferred=(), rejected=()):
        self.messages, self.refused, self.deferred, self.rejected = [], set(refused), set(deferred), set(rejected)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        if address in self.deferred:
            self.deferred.discard(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email

        if set(envelope.rcpt_tos) & self.rejected:
            return "554 5.7.1 Message refused"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


class _Server(SMTPServer):
    def __init__(self, handler):
        super().__init__()
        self.handler = handler

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()


def _come_due():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def _use(server, settings):
    for name, value in server.settings().items():
        setattr(settings, name, value)


def test_a_server_that_refuses_for_a_while_gets_everyone_exactly_once(settings):
    """250 subscribers, batches of 100: the server is down (connection refused) on the first attempt of every
    batch, then defers one recipient (451) in the middle of a batch; the batches are retried and in the end every
    subscriber has exactly one message, and those refused for good (550 at RCPT, 554 at DATA) do not stop their
    batch."""
    settings.NEWSROOM_NEWSLETTER_BATCH_SIZE = 100
    make_article()
    for number in range(250):
        subscriber(f"reader{number}@example.org", alerts=False)
    server = _Server(
        _Refusing(refused={"reader7@example.org"}, deferred={"reader150@example.org"}, rejected={"reader9@example.org"})
    )
    _use(server, settings)
    digest_create()
    assert DBTaskResult.objects.filter(task_path="newsletters.jobs.mailing_send_batch").count() == 3
    run_jobs()  # the server is not running
    jobs = DBTaskResult.objects.filter(task_path="newsletters.jobs.mailing_send_batch")
    assert {job.status for job in jobs.all()} == {"READY"}
    assert all("ConnectionRefusedError" in job.traceback for job in jobs.all())
    assert Delivery.objects.count() == 0
    server.start()
    try:
        _come_due()
        run_jobs()  # the second batch defers reader150 (451) and goes on with reader151…reader199
        assert jobs.filter(status="READY").count() == 1
        assert Delivery.objects.filter(outcome="sent").count() == 247  # everyone but reader150 and the refused
        assert "reader199@example.org" in [message["To"] for message in server.messages]
        _come_due()
        run_jobs()
    finally:
        server.stop()
    assert {job.status for job in jobs.all()} == {"SUCCESSFUL"}
    received = [message["To"] for message in server.messages]
    assert len(received) == len(set(received)) == 248
    assert "reader7@example.org" not in received and "reader150@example.org" in received
    refused = Delivery.objects.filter(outcome="refused").values_list("subscriber__email", flat=True)
    assert sorted(refused) == ["reader7@example.org", "reader9@example.org"]
    assert Delivery.objects.filter(outcome="sent").count() == 248
    message = server.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip()
    assert re.fullmatch(r"<https://news\.example\.org/newsletters/unsubscribe/\S+/\?list=digest>", unsubscribe)
    assert message.get_content_type() == "multipart/alternative"
    assert "لأنك اشتركت فيها" in _body(message, "plain") and 'dir="rtl"' in _body(message, "html")
    assert str(make_header(decode_header(message["Subject"]))).startswith("أخبار اليوم")


# Privacy requests and the desk.


def test_privacy_export_and_erasure_cover_subscriptions(client, mailoutbox):
    reader = subscriber("salma@example.org", alerts=False)
    client.post("/comments/my-data/", {"email": "salma@example.org", "kind": "export"})
    run_jobs()
    assert mailoutbox, "a subscriber without comments gets the link too"
    token = request_link_token(email="salma@example.org", kind="export")
    data = json.loads(client.post(f"/comments/my-data/{token}/").content)
    assert data["comments"] == []
    [subscription] = data["newsletters"]
    assert subscription["lists"] == ["digest"] and subscription["status"] == "confirmed"
    assert subscription["consent"] == {"given_at": reader.consent_at.isoformat(), "text_version": 1}
    other = subscriber("omar@example.org")
    erase = request_link_token(email="salma@example.org", kind="erase")
    client.post(f"/comments/my-data/{erase}/")
    assert list(Subscriber.objects.all()) == [other]


def test_only_the_chief_sees_subscribers_addresses(client, editorial_groups):
    subscriber("salma@example.org")
    address = "/admin/newsletters/subscriber/"
    for group, status in [("reporter", 403), ("editor", 403), ("moderator", 403)]:
        sign_in(client, make_staff(f"nl-{group}", group))
        assert client.get(address).status_code == status, group
    sign_in(client, make_staff("nl-chief", "chief"))
    page = client.get(address).content.decode()
    assert "salma@example.org" in page
    from django.contrib.auth.models import Permission

    viewer = make_staff("nl-viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    sign_in(client, viewer)
    page = client.get(address)
    html = page.content.decode()
    assert page.status_code == 200 and "salma@example.org" not in html and "s…@example.org" in html
    assert 'name="action"' not in html and 'name="q"' not in html  # no bulk action, no search by address
    detail = client.get(f"{address}{Subscriber.objects.get().pk}/change/").content.decode()
    assert "salma@example.org" not in detail


def test_query_counts_of_the_sign_up_the_confirmation_and_the_unsubscribe(client, django_assert_num_queries):
    """In a warm worker (the policy version and the urgent alerts in the shared cache): the sign-up looks the
    address up and writes the pending row (in a savepoint), enqueues the job, and reads the masthead's sections;
    confirming locks and saves the row; unsubscribing deletes it with its deliveries."""
    from consent.state import current_policy_version
    from live.alerts import alerts_remember

    current_policy_version()
    alerts_remember()
    with django_assert_num_queries(6):
        _sign_up(client)
    token = confirm_token(email="salma@example.org", digest=True, alerts=False, language="ar", consent_version=1,
                          consent_at=timezone.now())  # fmt: skip
    with django_assert_num_queries(5):
        client.post(f"/newsletters/confirm/{token}/")
    path = unsubscribe_url(Subscriber.objects.get()).removeprefix("https://news.example.org")
    with django_assert_num_queries(6):
        client.post(path)
    assert not Subscriber.objects.exists()


def test_an_old_confirmation_link_cannot_subscribe_again_after_unsubscribing(client, mailoutbox):
    _sign_up(client)
    link = _link(mailoutbox)
    client.post(link)
    reader = Subscriber.objects.get()
    client.post(unsubscribe_url(reader).removeprefix("https://news.example.org"))
    assert not Subscriber.objects.exists()
    again = client.post(link)
    assert again.status_code == 400 and not Subscriber.objects.exists()


def test_an_alert_withdrawn_while_its_batches_wait_is_not_mailed(mailoutbox):
    from newsletters.services.mailings import alert_mailings_create

    editor = make_staff("desk-editor", "editor")
    subscriber("arabic@example.org", digest=False)
    alert = alert_publish(text_ar="خبر سيُسحب", expires_at=timezone.now() + timedelta(hours=1), by=editor)
    DBTaskResult.objects.all().delete()  # as if the mailings were made, and their batches wait (a mail server down)
    alert_mailings_create(alert=alert)
    alert_withdraw(alert=alert, by=editor)
    run_jobs()
    assert mailoutbox == [] and not Delivery.objects.exists()


@pytest.mark.parametrize("lookup", ["email__startswith=sal", "email=salma@example.org", "email__regex=^s", "key=x"])
def test_addresses_cannot_be_guessed_through_the_lists_filters(client, editorial_groups, lookup):
    from django.contrib.auth.models import Permission

    subscriber("salma@example.org")
    viewer = make_staff("nl-guesser")
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    sign_in(client, viewer)
    response = client.get(f"/admin/newsletters/subscriber/?{lookup}")
    assert response.status_code == 400 and "salma" not in response.content.decode()
    sign_in(client, make_staff("nl-chief-filters", "chief"))  # who may see the addresses may filter by them
    assert client.get(f"/admin/newsletters/subscriber/?{lookup}").status_code == 200


def test_the_confirmation_link_does_not_show_the_address(client, mailoutbox):
    """Links end up in access logs and browser histories: the address and the lists in it are encrypted."""
    _sign_up(client)
    link = _link(mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"salma" not in raw.lower() and b"example" not in raw and "salma" not in token.lower()
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    assert client.post(f"/newsletters/confirm/{tampered}/").status_code == 400
    assert client.post(link).status_code == 200 and Subscriber.objects.get().status == "confirmed"


@pytest.mark.parametrize(
    ("lists", "link", "left"),
    [
        ({"digest": True, "alerts": True}, "digest", ["alerts"]),
        ({"digest": True, "alerts": True}, "alert", ["digest"]),
        ({"digest": True, "alerts": False}, "digest", None),  # its last list: the address goes
        ({"digest": True, "alerts": True}, None, None),  # the link without a list: everything
        ({"digest": True, "alerts": True}, "nonsense", None),
    ],
)
def test_one_click_leaves_the_list_the_message_came_from(lists, link, left):
    reader = subscriber(**lists)
    address = unsubscribe_url(reader, link).removeprefix("https://news.example.org")
    client = Client(enforce_csrf_checks=True)
    assert client.post(address, {"List-Unsubscribe": "One-Click"}).status_code == 200
    kept = Subscriber.objects.filter(pk=reader.pk).first()
    assert (kept.lists if kept else None) == left


def test_each_messages_link_names_its_list_and_the_page_offers_both_choices(mailoutbox):
    reader = subscriber("both@example.org")
    make_article()
    digest_create()
    run_jobs()
    link = re.search(r"https://news\.example\.org(/newsletters/unsubscribe/\S+?)>", mailoutbox[-1].extra_headers[
        "List-Unsubscribe"]).group(1)  # fmt: skip
    assert link.endswith("?list=digest")
    page = Client().get(link).content.decode()
    assert "أوقف النشرة اليومية" in page and "ألغِ الاشتراك في كل النشرات" in page
    Client().post(link)
    assert Subscriber.objects.get(pk=reader.pk).lists == ["alerts"]
