"""Web Push alerts (push/): the button on reader pages, subscribing and unsubscribing, and the urgent alerts sent by
the job queue to a push service of the suite's own on loopback (tests/push_service.py), which checks the VAPID
signature and decrypts each payload with the subscribing browser's private key."""

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from consent.models import PolicyVersion
from consent.state import forget_policy_version
from live.services.alerts import alert_publish, alert_withdraw
from push.management.commands.push_vapid_keys import vapid_key_pair
from push.models import PushSubscription
from tests.factories import make_article, make_section, make_staff, run_jobs
from tests.processes import free_port
from tests.push_service import Browser, b64url, push_service

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
SUBSCRIBE, UNSUBSCRIBE = "/alerts/push/subscribe", "/alerts/push/unsubscribe"


@pytest.fixture
def vapid(settings):
    """Push on, with a key pair made as `manage.py push_vapid_keys` makes it; endpoints at loopback accepted (over
    plain HTTP: the suite's push service), besides the real push services."""
    public, private = vapid_key_pair()
    settings.NEWSROOM_VAPID_PUBLIC_KEY = public
    settings.NEWSROOM_VAPID_PRIVATE_KEY = private
    settings.NEWSROOM_VAPID_SUBJECT = "mailto:desk@example.org"
    settings.NEWSROOM_PUSH_SERVICES = [*settings.NEWSROOM_PUSH_SERVICES, "http://127.0.0.1"]
    return public


@pytest.fixture
def service(vapid):
    with push_service(vapid) as running:
        yield running


@pytest.fixture
def editor():
    return make_staff("push-editor", "editor")


@pytest.fixture
def story():
    return make_article(headline_ar="انقطاع الجسر", headline_en="The bridge is cut", section=make_section())


def post(url, data, client=None, **headers):
    return (client or Client()).post(
        url, json.dumps(data), content_type="application/json", headers={**SAME_ORIGIN, **headers}
    )


def subscribe(service, language="ar", name=None):
    endpoint, keys, browser = service.subscribe(name)
    prefix = "" if language == "ar" else f"/{language}"
    response = post(prefix + SUBSCRIBE, {"subscription": {"endpoint": endpoint, "keys": keys}, "consent": True})
    assert response.status_code == 201, response.content
    return endpoint, browser


def push_jobs(**filters):
    """This app's jobs (an alert also starts other apps' jobs: newsletters')."""
    return DBTaskResult.objects.filter(task_path__startswith="push.jobs.", **filters)


def publish(editor, *, minutes=60, **fields):
    return alert_publish(
        text_ar="عاجل: إغلاق المعبر الحدودي",
        text_en="Breaking: the border crossing is closed",
        expires_at=timezone.now() + timedelta(minutes=minutes),
        by=editor,
        **fields,
    )


# The button.


def test_without_vapid_keys_there_is_no_button_no_script_and_no_worker(client, settings):
    settings.NEWSROOM_VAPID_PUBLIC_KEY = settings.NEWSROOM_VAPID_PRIVATE_KEY = ""
    page = client.get("/").content.decode()
    assert "data-push" not in page and "push.js" not in page
    assert client.get("/push-worker.js").status_code == 404
    assert post(SUBSCRIBE, {}).status_code == 404


def test_the_button_is_drawn_hidden_with_the_public_key_and_no_token_so_the_page_stays_cacheable(client, vapid):
    """Hidden until push.js finds the browser can take Web Push; no CSRF token and no cookie in the page."""
    response = client.get("/")
    page = response.content.decode()
    assert f'data-key="{vapid}"' in page
    assert "نبّهني بالأخبار العاجلة" in page
    assert "data-push data-key" in page and "hidden>" in page
    assert "csrfmiddlewaretoken" not in page and not response.cookies
    english = client.get("/en/").content.decode()
    assert "Alert me to breaking news" in english and 'data-subscribe="/en/alerts/push/subscribe"' in english


def test_the_button_costs_the_page_no_query(client, settings, vapid, page_queries):
    settings.NEWSROOM_VAPID_PUBLIC_KEY = ""
    with CaptureQueriesContext(connection) as without:
        client.get("/")
    settings.NEWSROOM_VAPID_PUBLIC_KEY = vapid
    from core.pagecache import pages_purge_all

    pages_purge_all()
    with page_queries(len(without)):
        assert "data-push" in client.get("/").content.decode()


def test_the_service_worker_is_served_from_the_root_as_javascript_under_the_csp(client, vapid):
    response = client.get("/push-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b'addEventListener("push"' in response.content
    assert "worker-src 'self'" in response["Content-Security-Policy"]


# Subscribing and unsubscribing.


def test_a_reader_subscribes_with_consent_recorded_and_in_the_pages_language(service):
    before = timezone.now()
    arabic, _browser = subscribe(service, "ar")
    english, browser = subscribe(service, "en")
    stored = PushSubscription.objects.get(endpoint=english)
    assert stored.language == "en" and PushSubscription.objects.get(endpoint=arabic).language == "ar"
    assert stored.policy_version == PolicyVersion.objects.in_effect().first().number
    assert stored.consented_at >= before
    assert (stored.p256dh, stored.auth) == (browser.p256dh, b64url(browser.auth))


def test_subscribing_again_from_the_same_browser_renews_the_one_subscription(service):
    endpoint, _browser = subscribe(service, "ar")
    keys = Browser().keys()
    assert (
        post("/en" + SUBSCRIBE, {"subscription": {"endpoint": endpoint, "keys": keys}, "consent": True}).status_code
        == 201
    )
    stored = PushSubscription.objects.get()
    assert (stored.language, stored.p256dh) == ("en", keys["p256dh"])


def test_a_reader_unsubscribes_and_gets_no_more_alerts(service, editor):
    endpoint, _browser = subscribe(service)
    kept, _other = subscribe(service)
    response = post(UNSUBSCRIBE, {"endpoint": endpoint})
    assert response.status_code == 200 and response.json() == {"subscribed": False}
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept]
    publish(editor)
    run_jobs()
    assert [received.path for received in service.received] == [kept.removeprefix(service.origin)]


def test_without_a_policy_in_force_nothing_is_stored(service):
    PolicyVersion.objects.all().delete()
    forget_policy_version()
    endpoint, keys, _browser = service.subscribe()
    response = post(SUBSCRIBE, {"subscription": {"endpoint": endpoint, "keys": keys}, "consent": True})
    assert response.status_code == 503 and "سياسة الخصوصية" in response.json()["error"]
    assert not PushSubscription.objects.exists()


def _point_off_the_curve():
    return b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "عنوان"),  # plain HTTP at a real push service
        ({"endpoint": "https://push.example.net/x"}, "عنوان"),  # not a push service on the list
        ({"endpoint": "https://127.0.0.1.evil.example/x"}, "عنوان"),
        ({"endpoint": "https://fcm.googleapis.com/" + "x" * 975}, "عنوان"),  # 1,001 characters
        ({"endpoint": "https://user:pw@fcm.googleapis.com/x"}, "عنوان"),
        ({"endpoint": "https://fcm.googleapis.com:port/x"}, "عنوان"),
        # Addresses that the check and the sender (requests) would read as different hosts, or another port.
        ({"endpoint": "https://evil.example\\.push.apple.com/x"}, "عنوان"),
        ({"endpoint": "https://169.254.169.254\\.push.apple.com/latest"}, "عنوان"),
        ({"endpoint": "https://evil.example%2f.push.apple.com/x"}, "عنوان"),
        ({"endpoint": "https://fcm.googleapis.com:25/x"}, "عنوان"),
        ({"endpoint": "https://fcm.googleapis.cöm/x"}, "عنوان"),
        ({"endpoint": 17}, "عنوان"),
        ({"keys": {"p256dh": b64url(b"\x04" + b"\x01" * 63), "auth": b64url(b"a" * 16)}}, "مفاتيح"),  # 64 octets
        ({"keys": {"p256dh": _point_off_the_curve(), "auth": b64url(b"a" * 16)}}, "مفاتيح"),
        ({"keys": {"p256dh": Browser().p256dh, "auth": b64url(b"a" * 15)}}, "مفاتيح"),
        ({"keys": {"p256dh": Browser().p256dh, "auth": b64url(b"a" * 17)}}, "مفاتيح"),
        ({"keys": {"p256dh": Browser().p256dh, "auth": "!!!!!!!!!!!!!!!!!!!!!!"}}, "مفاتيح"),
        ({"keys": {"p256dh": Browser().p256dh}}, "مفاتيح"),
        ({"keys": "none"}, "مفاتيح"),
    ],
)
def test_a_subscription_that_is_not_one_is_refused_with_a_clear_message(service, change, message):
    endpoint, keys, _browser = service.subscribe()
    subscription = {"endpoint": endpoint, "keys": keys, **change}
    response = post(SUBSCRIBE, {"subscription": subscription, "consent": True})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"subscription": {}, "consent": True, "padding": "x" * 4096}).encode(),  # over 4 KiB
        "\ufffe".encode("utf-16"),
        b"[" * 4000,  # nested deeper than the JSON parser goes
    ],
)
def test_a_request_that_cannot_be_read_is_refused_not_a_500(service, body):
    response = Client().post(SUBSCRIBE, body, content_type="application/json", headers=SAME_ORIGIN)
    assert response.status_code == 400 and "تعذّرت قراءة" in response.json()["error"]


@pytest.mark.parametrize("consent", [None, False, "yes"])
def test_without_the_readers_agreement_nothing_is_stored(service, consent):
    endpoint, keys, _browser = service.subscribe()
    data = {"subscription": {"endpoint": endpoint, "keys": keys}}
    if consent is not None:
        data["consent"] = consent
    response = post(SUBSCRIBE, data)
    assert response.status_code == 400 and "يوافقون" in response.json()["error"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil.example"}, {}],
)
@pytest.mark.parametrize("url", [SUBSCRIBE, UNSUBSCRIBE])
def test_another_site_cannot_subscribe_or_unsubscribe_a_reader(service, url, headers):
    endpoint, keys, _browser = service.subscribe()
    PushSubscription.objects.create(
        endpoint=endpoint, p256dh=keys["p256dh"], auth=keys["auth"], language="ar", policy_version=1
    )
    data = {"subscription": {"endpoint": endpoint, "keys": keys}, "consent": True, "endpoint": endpoint}
    response = Client().post(url, json.dumps(data), content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert PushSubscription.objects.get().language == "ar"


def test_unsubscribing_needs_a_push_address(service):
    assert post(UNSUBSCRIBE, {"endpoint": "https://push.example.net/x"}).status_code == 400
    assert post(UNSUBSCRIBE, {}).status_code == 400


def test_subscriptions_are_rate_limited_per_address(service, settings):
    settings.NEWSROOM_PUSH_RATE_PER_ADDRESS = 2
    subscribe(service)
    subscribe(service)
    endpoint, keys, _browser = service.subscribe()
    response = post(SUBSCRIBE, {"subscription": {"endpoint": endpoint, "keys": keys}, "consent": True})
    assert response.status_code == 429 and response["Retry-After"] == str(settings.NEWSROOM_PUSH_RATE_WINDOW)
    assert "كثيرة" in response.json()["error"]
    assert PushSubscription.objects.count() == 2


# Sending.


def test_an_alert_reaches_each_subscriber_encrypted_for_their_browser_in_their_language(service, editor, story):
    subscribe(service, "ar", name="arabic")
    subscribe(service, "en", name="english")
    alert = publish(editor, article=story, minutes=45)
    run_jobs()
    assert push_jobs(status=TaskResultStatus.SUCCESSFUL).count() == 2  # the fan-out, one batch
    assert service.rejected == []
    by_path = {received.path: received for received in service.received}
    with override("ar"):
        arabic_url = story.get_absolute_url()
    arabic, english = by_path["/push/arabic"], by_path["/push/english"]
    assert arabic.payload == {
        "title": "عاجل",
        "body": "عاجل: إغلاق المعبر الحدودي",
        "url": arabic_url,
        "tag": f"alert-{alert.pk}",
        "lang": "ar",
        "dir": "rtl",
    }
    assert english.payload["body"] == "Breaking: the border crossing is closed"
    assert english.payload["url"].startswith("/en/") and english.payload["title"] == "Breaking news"
    assert (english.payload["lang"], english.payload["dir"]) == ("en", "ltr")
    assert 44 * 60 <= int(arabic.headers["TTL"]) <= 45 * 60  # kept until the alert expires
    assert arabic.headers["Topic"] == f"alert-{alert.pk}" and arabic.headers["Urgency"] == "high"
    assert arabic.claims["sub"] == "mailto:desk@example.org"


def test_an_alert_without_an_article_opens_the_home_page_and_english_falls_back_to_arabic(service, editor):
    subscribe(service, "en", name="english")
    alert_publish(text_ar="عاجل: زلزال", expires_at=timezone.now() + timedelta(minutes=30), by=editor)
    run_jobs()
    assert service.rejected == []
    (received,) = service.received
    assert received.payload["url"] == "/en/" and received.payload["body"] == "عاجل: زلزال"
    assert (received.payload["lang"], received.payload["dir"]) == ("ar", "rtl")  # Arabic text, shown as Arabic


def test_subscribers_are_sent_to_in_batches_of_a_job_each(service, editor, settings):
    settings.NEWSROOM_PUSH_BATCH = 2
    for _ in range(5):
        subscribe(service)
    publish(editor)
    run_jobs()
    assert push_jobs(status=TaskResultStatus.SUCCESSFUL).count() == 1 + 3
    assert len(service.received) == 5


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_says_is_gone_is_deleted(service, editor, status):
    subscribe(service, name="gone")
    kept, _other = subscribe(service, name="kept")
    service.answers["/push/gone"] = [status]
    publish(editor)
    run_jobs()
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept]
    assert [received.path for received in service.received] == ["/push/kept"]


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_push_service_that_cannot_take_the_alert_now_gets_it_later_and_only_it(service, editor, status):
    subscribe(service, name="busy")
    subscribe(service, name="fine")
    service.answers["/push/busy"] = [status]
    publish(editor)
    run_jobs()
    assert [received.path for received in service.received] == ["/push/fine"]
    assert PushSubscription.objects.count() == 2
    waiting = push_jobs(status=TaskResultStatus.READY).get()
    assert waiting.args_kwargs["kwargs"]["attempt"] == 2
    run_jobs()
    assert push_jobs(status=TaskResultStatus.READY).exists()  # not before its backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        run_jobs()
    assert sorted(received.path for received in service.received) == ["/push/busy", "/push/fine"]


def test_an_unreachable_push_service_is_tried_again_and_given_up_after_the_last_attempt(service, editor, settings):
    settings.NEWSROOM_JOB_ATTEMPTS = 2
    endpoint, _browser = subscribe(service)
    nobody = f"http://127.0.0.1:{free_port()}/push/x"  # a port nothing listens on
    PushSubscription.objects.filter(endpoint=endpoint).update(endpoint=nobody)
    publish(editor)
    run_jobs()
    assert push_jobs(status=TaskResultStatus.READY).count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        run_jobs()
    assert push_jobs(status=TaskResultStatus.SUCCESSFUL).count() == 3  # fan-out, two attempts
    assert not push_jobs(status=TaskResultStatus.READY).exists()  # the second attempt was the last
    assert PushSubscription.objects.filter(endpoint=nobody).exists()  # unreachable is not gone


def test_an_alert_withdrawn_before_its_job_runs_is_not_pushed(service, editor):
    subscribe(service)
    alert = publish(editor)
    alert_withdraw(alert=alert, by=editor)
    run_jobs()
    assert service.received == []


def test_an_alert_whose_publication_rolled_back_is_never_pushed(service, editor):
    subscribe(service)
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(editor)
        raise RuntimeError("the desk's transaction fails after the alert")
    run_jobs()
    assert not push_jobs().exists() and service.received == []


def test_the_key_pair_command_prints_keys_a_browser_and_pywebpush_accept(capsys):
    call_command("push_vapid_keys")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    public = base64.urlsafe_b64decode(lines["NEWSROOM_VAPID_PUBLIC_KEY"] + "==")
    private = base64.urlsafe_b64decode(lines["NEWSROOM_VAPID_PRIVATE_KEY"] + "=")
    assert len(public) == 65 and public[0] == 4 and len(private) == 32


@pytest.mark.parametrize(
    "environment",
    [
        {"NEWSROOM_VAPID_PUBLIC_KEY": "BAAA"},  # half a key pair
        {"NEWSROOM_VAPID_PUBLIC_KEY": "BAAA", "NEWSROOM_VAPID_PRIVATE_KEY": "AAAA"},  # no subject
        {"NEWSROOM_VAPID_PUBLIC_KEY": "BAAA", "NEWSROOM_VAPID_PRIVATE_KEY": "AAAA", "NEWSROOM_VAPID_SUBJECT": "desk"},
    ],
)
def test_a_half_configured_web_push_stops_the_site_at_start(environment):
    from tests.test_project import PRODUCTION, _manage

    result = _manage("check", **PRODUCTION, **environment)
    assert result.returncode != 0 and "NEWSROOM_VAPID_SUBJECT" in result.stderr


def test_a_complete_web_push_configuration_passes_the_deployment_checklist():
    from tests.test_project import PRODUCTION, _manage

    public, private = vapid_key_pair()
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, NEWSROOM_VAPID_PUBLIC_KEY=public,
        NEWSROOM_VAPID_PRIVATE_KEY=private, NEWSROOM_VAPID_SUBJECT="https://news.example.org/contact",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_subscribing_and_unsubscribing_cost_pinned_queries(service, django_assert_num_queries):
    """Subscribing: two queries, the subscription looked for and written, each in its savepoint (the service's
    transaction, update_or_create's, the insert's: three savepoints, three releases); the policy version in force
    comes from the shared cache. Unsubscribing: the rows looked for and deleted, in the service's transaction."""
    from consent.state import current_policy_version

    current_policy_version()
    endpoint, keys, _browser = service.subscribe()
    data = {"subscription": {"endpoint": endpoint, "keys": keys}, "consent": True}
    with django_assert_num_queries(8):
        assert post(SUBSCRIBE, data).status_code == 201
    with django_assert_num_queries(3):
        assert post(UNSUBSCRIBE, {"endpoint": endpoint}).status_code == 200
