"""The breaking-news alerts button in Chromium: nothing asked on arrival, a click asks for permission, registers
the service worker and subscribes, the subscription is stored and an alert reaches it; the same button unsubscribes.

Chromium's real `pushManager.subscribe()` cannot work here: headless, on a machine with no network beyond loopback
(no Google push service, FCM), it fails with "AbortError: Registration failed - permission denied" even with the
notifications permission granted (test_the_real_push_manager_cannot_subscribe_here shows it, and fails the day it
works). The flow tests therefore stand in for PushManager in the page only, handing the page a subscription at the
suite's own push service on loopback, with keys made in Python; everything else is real: the permission request,
the service worker's registration under the CSP, the POST, the storage, the job queue, and the encryption and VAPID
signature the push service checks (tests/push_service.py).

The service worker's own handlers are run for real too: a push message is handed to it through the DevTools
protocol (ServiceWorker.deliverPushMessage, the payload the job builds, not encrypted: the browser's push service
would have decrypted it), and it shows the notification."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from live.services.alerts import alert_publish
from push.models import PushSubscription
from push.sending import alert_payload
from tests.factories import make_article, make_section, make_staff, run_jobs
from tests.push_service import push_service
from tests.test_push import vapid  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

BUTTON = "[data-push] button"

# Stands in for PushManager (see the module's docstring) and counts permission requests.
STUB = """
window.__permissionRequests = 0;
const realRequest = Notification.requestPermission.bind(Notification);
Notification.requestPermission = (...args) => { window.__permissionRequests += 1; return realRequest(...args); };
// The browser keeps a subscription across pages, as PushManager does: here in the tab's session storage.
const stubSubscription = () => {
  const given = window.__givenSubscription;
  return {
    endpoint: given.endpoint,
    toJSON: () => given,
    unsubscribe: async () => { sessionStorage.removeItem("stub-push"); return true; },
  };
};
PushManager.prototype.subscribe = async function (options) {
  window.__subscribeOptions = { userVisibleOnly: options.userVisibleOnly,
    keyLength: new Uint8Array(options.applicationServerKey).length };
  sessionStorage.setItem("stub-push", "1");
  return stubSubscription();
};
PushManager.prototype.getSubscription = async function () {
  return sessionStorage.getItem("stub-push") ? stubSubscription() : null;
};
"""


@pytest.fixture
def service(vapid):  # noqa: F811
    with push_service(vapid) as running:
        yield running


@pytest.fixture
def stubbed(page, service):
    endpoint, keys, _browser = service.subscribe("chromium")
    page.context.add_init_script(STUB)
    page.context.add_init_script(f"window.__givenSubscription = {{endpoint: {endpoint!r}, keys: {keys!r}}};")
    return endpoint


def test_nothing_is_asked_on_arrival_and_a_click_subscribes(page, live_server, stubbed, service):
    page.context.grant_permissions(["notifications"])
    page.goto(live_server.url + "/")
    button = page.locator(BUTTON)
    button.wait_for(state="visible")
    assert button.inner_text() == "نبّهني بالأخبار العاجلة"
    assert page.evaluate("window.__permissionRequests") == 0
    button.click()
    page.locator("[data-push-status]").filter(has_text="ستصلك تنبيهات الأخبار العاجلة").wait_for()
    assert page.evaluate("window.__permissionRequests") == 1
    assert page.evaluate("window.__subscribeOptions") == {"userVisibleOnly": True, "keyLength": 65}
    worker = page.evaluate(
        "navigator.serviceWorker.getRegistration('/').then(r => r && r.active && r.active.scriptURL)"
    )
    assert worker == live_server.url + "/push-worker.js"
    stored = PushSubscription.objects.get()
    assert stored.endpoint == stubbed and stored.language == "ar" and stored.policy_version == 1
    assert button.inner_text() == "أوقف تنبيهات الأخبار العاجلة"

    alert_publish(text_ar="عاجل: إغلاق المعبر", expires_at=timezone.now() + timedelta(minutes=30),
                  by=make_staff("push-browser-editor", "editor"))  # fmt: skip
    run_jobs()
    assert [received.payload["body"] for received in service.received] == ["عاجل: إغلاق المعبر"]
    assert page.console_errors == []


def test_the_same_button_unsubscribes(page, live_server, stubbed):
    page.context.grant_permissions(["notifications"])
    page.goto(live_server.url + "/en/")
    page.locator(BUTTON).click()
    page.locator(BUTTON).filter(has_text="Stop breaking-news alerts").wait_for()
    assert PushSubscription.objects.get().language == "en"
    page.reload()  # the page knows the browser is subscribed, from the browser alone
    page.locator(BUTTON).filter(has_text="Stop breaking-news alerts").click()
    page.locator("[data-push-status]").filter(has_text="You will no longer get breaking-news alerts.").wait_for()
    assert not PushSubscription.objects.exists()
    assert page.locator(BUTTON).inner_text() == "Alert me to breaking news"


def test_a_reader_who_blocks_notifications_is_told_and_nothing_is_stored(page, live_server, stubbed):
    page.goto(live_server.url + "/en/")
    page.context.clear_permissions()
    page.evaluate("Notification.requestPermission = async () => 'denied'")
    page.locator(BUTTON).click()
    page.locator("[data-push-status]").filter(has_text="blocks notifications").wait_for()
    assert not PushSubscription.objects.exists()


def test_without_vapid_keys_there_is_no_button(page, live_server, settings):
    settings.NEWSROOM_VAPID_PUBLIC_KEY = settings.NEWSROOM_VAPID_PRIVATE_KEY = ""
    page.goto(live_server.url + "/")
    assert page.locator("[data-push]").count() == 0


def test_the_real_push_manager_cannot_subscribe_here(page, live_server, vapid):  # noqa: F811
    """Why the flows above stand in for PushManager: here Chromium's own subscribe() fails, permission granted. The
    day it works, this test fails, and the flows should use the real thing."""
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto(live_server.url + "/")
    outcome = page.evaluate(
        """async (key) => {
          const permission = await Notification.requestPermission();
          const registration = await navigator.serviceWorker.register('/push-worker.js', {scope: '/'});
          await navigator.serviceWorker.ready;
          const raw = atob(key.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - key.length % 4) % 4));
          try {
            await registration.pushManager.subscribe({userVisibleOnly: true,
              applicationServerKey: Uint8Array.from(raw, c => c.charCodeAt(0))});
            return 'subscribed';
          } catch (error) { return permission + ' ' + error.name + ': ' + error.message; }
        }""",
        vapid,
    )
    assert outcome.startswith("granted "), outcome
    assert outcome != "subscribed", "Chromium reached a push service: use the real PushManager in the flows"


NOTIFICATIONS = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
  .map((n) => ({title: n.title, body: n.body, dir: n.dir, lang: n.lang, tag: n.tag, data: n.data}))"""

SHOWN_AT = "async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.timestamp)"


def registered_worker(page, live_server):
    """The site's own service worker registered from its home page (under its CSP, at the address the button
    gives), and a DevTools session that knows its registration: (session, registration id, errors it reports)."""
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto(live_server.url + "/")
    page.evaluate("""async () => {
      const worker = document.querySelector("[data-push]").dataset.worker;
      await navigator.serviceWorker.register(worker, {scope: "/"});
      await navigator.serviceWorker.ready;
    }""")  # fmt: skip
    cdp = page.context.new_cdp_session(page)
    registrations, errors = {}, []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update({r["scopeURL"]: r["registrationId"] for r in event["registrations"]}),
    )
    cdp.on("ServiceWorker.workerErrorReported", lambda event: errors.append(event["errorMessage"]))
    cdp.send("ServiceWorker.enable")  # reports the registrations there are
    for _ in range(100):
        if live_server.url + "/" in registrations:
            break
        page.wait_for_timeout(50)
    return cdp, registrations[live_server.url + "/"], errors


def deliver(cdp, live_server, registration, payload):
    assert cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": registration, "data": payload},
    ) == {}  # fmt: skip


@pytest.fixture
def story_alert():
    story = make_article(headline_ar="انقطاع الجسر", section=make_section())
    alert = alert_publish(text_ar="عاجل: إغلاق المعبر", article=story,
                          expires_at=timezone.now() + timedelta(minutes=30),
                          by=make_staff("push-browser-editor", "editor"))  # fmt: skip
    with override("ar"):
        return alert, story.get_absolute_url()


def test_the_service_worker_shows_a_pushed_alert_in_arabic_linking_to_its_article(
    page,
    live_server,
    vapid,  # noqa: F811
    story_alert,
):
    alert, url = story_alert
    cdp, registration, errors = registered_worker(page, live_server)
    payload = alert_payload(alert, "ar")  # what the job sends an Arabic reader
    deliver(cdp, live_server, registration, payload)
    page.wait_for_function(f"({NOTIFICATIONS})().then((shown) => shown.length > 0)")
    expected = {"title": "عاجل", "body": "عاجل: إغلاق المعبر", "dir": "rtl", "lang": "ar", "tag": f"alert-{alert.pk}",
                "data": {"url": url}}  # fmt: skip
    assert page.evaluate(NOTIFICATIONS) == [expected]
    first = page.evaluate(SHOWN_AT)
    page.wait_for_timeout(10)
    deliver(cdp, live_server, registration, payload)  # the same alert again (its job run twice): shown once
    page.wait_for_function(f"({SHOWN_AT})().then((times) => times.some((time) => time > {first[0]}))")
    assert page.evaluate(NOTIFICATIONS) == [expected]
    assert errors == [] and page.console_errors == []


def test_clicking_the_alert_closes_it_and_opens_its_article(page, live_server, vapid, story_alert):  # noqa: F811
    """Neither the DevTools protocol nor Playwright can click a notification, so the worker is handed a
    notificationclick made by script for the notification it showed. Chromium lets only a click of its own open
    a window ("InvalidAccessError: Not allowed to open a window."), nor a script's event wait: what the handler
    asks clients.openWindow() and event.waitUntil() for is recorded instead."""
    alert, url = story_alert
    cdp, registration, errors = registered_worker(page, live_server)
    deliver(cdp, live_server, registration, alert_payload(alert, "ar"))
    page.wait_for_function(f"({NOTIFICATIONS})().then((shown) => shown.length > 0)")
    worker = page.context.service_workers[0] if page.context.service_workers else page.wait_for_event("serviceworker")
    assert worker.url == live_server.url + "/push-worker.js"
    clicked = worker.evaluate("""async () => {
      const opened = [];
      self.clients.openWindow = async (address) => { opened.push(address); return null; };
      const [notification] = await self.registration.getNotifications();
      const click = new NotificationEvent("notificationclick", {notification});
      const waited = [];
      click.waitUntil = (promise) => waited.push(promise);
      self.dispatchEvent(click);
      await Promise.all(waited);
      return {opened, waited: waited.length, left: (await self.registration.getNotifications()).length};
    }""")  # fmt: skip
    assert clicked == {"opened": [live_server.url + url], "waited": 1, "left": 0}
    assert errors == [] and page.console_errors == []
