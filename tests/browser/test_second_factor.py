"""The second factor in Chromium, as staff use it: enrolling an authenticator app and signing in with its code, a
recovery code, and a passkey through Chromium's virtual authenticator (the DevTools WebAuthn domain), in the
right-to-left Arabic admin and under the site's strict CSP."""

import re
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SecurityEvent
from tests.browser.signing import password_step, sign_in_with_app

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase"


@pytest.fixture
def reporter(editorial_groups):
    user = get_user_model().objects.create_user("rana", "rana@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="reporter"))
    return user


def _no_axe_violations(page):
    results = Axe().run(page).response
    return [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]


def _sign_out(page):
    page.goto("/admin/")
    with page.expect_navigation():
        page.locator("#logout-form button").click()


def test_a_new_reporter_enrols_an_app_then_signs_in_with_a_recovery_code(page, reporter):
    password_step(page, "rana", PASSWORD)
    assert "/admin/security/" in page.url
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "أضف واحداً الآن" in page.locator("#content-main").inner_text()
    assert _no_axe_violations(page) == []
    page.get_by_role("link", name="إضافة تطبيق مصادقة").click()
    assert page.locator(".second-factor__qr svg").is_visible()
    assert _no_axe_violations(page) == []
    # What an authenticator app does with the key it is given.
    key = b32decode(page.locator(".second-factor__key").inner_text().replace(" ", ""))
    page.fill("#id_code", f"{TOTP(key).token():06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="تأكيد").click()
    codes = page.locator(".second-factor__codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    page.get_by_role("link", name="حفظتها").click()
    page.get_by_role("link", name="المتابعة إلى مكتب التحرير").click()
    assert page.url.endswith("/admin/")

    _sign_out(page)
    password_step(page, "rana", PASSWORD)
    assert "/admin/security/verify/" in page.url
    assert _no_axe_violations(page) == []
    page.fill("#id_code", codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name="تأكيد").click()
    assert "بقيت لك 9 رموز" in page.locator(".messagelist").inner_text()
    assert SecurityEvent.objects.filter(user=reporter, kind="recovery_code_used").exists()
    assert page.console_errors == []


def test_a_reporter_signs_in_with_the_app_code_in_english(page, reporter):
    sign_in_with_app(page, "rana", PASSWORD, path="/en/admin/")
    assert page.url.endswith("/en/admin/")
    assert page.evaluate("document.documentElement.lang") == "en"


def test_a_reporter_adds_a_passkey_and_signs_in_with_it(page, reporter):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    sign_in_with_app(page, "rana", PASSWORD)
    page.goto("/admin/security/")
    page.get_by_role("button", name="إضافة مفتاح مرور").click()
    page.wait_for_selector("#passkey-register-status-message:text('تم تسجيل مفتاح المرور')")
    assert WebAuthnCredential.objects.filter(user=reporter, confirmed=True).count() == 1
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    assert SecurityEvent.objects.filter(user=reporter, kind="factor_added", detail="passkey").exists()

    _sign_out(page)
    password_step(page, "rana", PASSWORD)
    assert "/admin/security/verify/" in page.url
    with page.expect_navigation(url="**/admin/"):
        page.get_by_role("button", name="استخدام مفتاح المرور").click()
    assert page.locator("#site-name").is_visible()
    page.goto("/admin/articles/article/")
    assert page.url.endswith("/admin/articles/article/")  # verified: the desk opens
    assert page.console_errors == []
