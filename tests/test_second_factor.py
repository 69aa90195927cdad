"""Staff sign in with a password and a second factor when debug is off: an authenticator app (TOTP), a passkey
(tests/browser/test_second_factor.py), or a one-time recovery code. Enrolment, sign-in and recovery through the
test client, as a staff member would click through them; an administrator's reset is logged."""

import re
from base64 import b32decode

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from tests.factories import make_article, sign_in, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


@pytest.fixture
def reporter():
    user = get_user_model().objects.create_user("sami", "sami@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="reporter"))
    return user


def _password(client, username="sami", path="/admin/"):
    """The first step, through the admin's own login form."""
    response = client.post(f"{path}login/?next={path}", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(path)


def _enrol_app(client):
    """Add an authenticator app as a staff member would: open the page, read the key, type the code back."""
    page = client.get("/admin/security/app/").content.decode()
    assert "<svg" in page  # the code to scan
    key = re.search(r'<code dir="ltr" class="second-factor__key">([A-Z2-7 ]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(confirmed=False)
    assert b32decode(key.replace(" ", "")) == device.bin_key  # the key shown is the one the app will use
    return device, client.post("/admin/security/app/", {"code": totp_code(device)})


def test_a_staff_member_without_a_factor_must_enrol_one_before_reaching_the_desk(client, reporter):
    response = _password(client)
    assert response.status_code == 302 and response["Location"] == "/admin/security/?next=%2Fadmin%2F"
    page = client.get(response["Location"]).content.decode()
    assert "أضف واحداً الآن" in page
    assert client.get("/admin/articles/article/")["Location"].startswith("/admin/security/")


def test_an_unverified_session_has_no_staff_rights_outside_the_desk(client, reporter):
    """A password alone opens nothing: the preview of the reporter's own draft is what a stranger gets."""
    draft = make_article(status="draft", created_by=reporter)
    _password(client)
    assert client.get(f"/preview/{draft.pk}/").status_code in (302, 403, 404)
    sign_in(client, reporter)
    assert client.get(f"/preview/{draft.pk}/").status_code == 200


def test_enrolling_an_app_gives_recovery_codes_and_the_next_sign_in_asks_for_a_code(client, reporter):
    _password(client)
    client.get("/admin/security/app/")
    wrong = client.post("/admin/security/app/", {"code": "000000"})
    assert "هذا الرمز غير صحيح" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):  # django-otp slows retries down
        device, confirmed = _enrol_app(client)
    assert confirmed.status_code == 200  # the recovery codes, shown once
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", confirmed.content.decode())
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200  # verified with the new app
    kinds = list(SecurityEvent.objects.filter(user=reporter).values_list("kind", flat=True))
    assert sorted(kinds) == ["factor_added", "recovery_codes_made"]

    client.post("/admin/logout/")
    assert _password(client)["Location"] == "/admin/security/verify/?next=%2Fadmin%2F"
    refused = client.post("/admin/security/verify/?next=/admin/", {"code": "123456", "next": "/admin/"})
    assert refused.status_code == 200 and "هذا الرمز غير صحيح أو انتهت صلاحيته" in refused.content.decode()
    device.refresh_from_db()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=1)):
        accepted = client.post("/admin/security/verify/", {"code": totp_code(device), "next": "/admin/"})
        assert accepted.status_code == 302 and accepted["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_code_is_good_once(reporter):
    """A code someone watched being typed cannot be used again in the same 30 seconds (django-otp's replay guard)."""
    device = TOTPDevice.objects.create(user=reporter, confirmed=True)
    first, second = Client(), Client()
    _password(first), _password(second)
    code = totp_code(device)
    assert first.post("/admin/security/verify/", {"code": code}).status_code == 302
    assert second.post("/admin/security/verify/", {"code": code}).status_code == 200


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, reporter):
    TOTPDevice.objects.create(user=reporter, confirmed=True)
    recovery = StaticDevice.objects.create(user=reporter, name="recovery codes", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    recovery.token_set.create(token="efgh6789")
    _password(client)
    response = client.post("/admin/security/verify/", {"code": "ABCD-2345", "next": "/admin/"}, follow=True)
    assert response.status_code == 200 and "بقي لك رمز استرداد واحد" in response.content.decode()
    assert SecurityEvent.objects.filter(user=reporter, kind="recovery_code_used").count() == 1
    client.post("/admin/logout/")
    _password(client)
    assert client.post("/admin/security/verify/", {"code": "abcd2345"}).status_code == 200  # used up


def test_the_second_step_is_in_english_under_en(client, reporter):
    TOTPDevice.objects.create(user=reporter, confirmed=True)
    response = _password(client, path="/en/admin/")
    assert response["Location"].startswith("/en/admin/security/verify/")
    page = client.get(response["Location"]).content.decode()
    assert "Confirm it is you" in page and 'lang="en"' in page


def test_an_administrator_resets_a_lost_factor_and_it_is_logged(client, reporter):
    TOTPDevice.objects.create(user=reporter, confirmed=True)
    StaticDevice.objects.create(user=reporter, name="recovery codes", confirmed=True).token_set.create(token="x1")
    chief = get_user_model().objects.create_superuser("hala", "hala@example.org", PASSWORD)
    sign_in(client, chief)
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factors", "_selected_action": [reporter.pk]},
        follow=True,
    )
    assert "أُعيد ضبط عوامل التحقق الثانية لحساب واحد" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reporter).exists()
    assert not StaticDevice.objects.filter(user=reporter).exists()
    event = SecurityEvent.objects.get(user=reporter, kind="factors_reset")
    assert event.actor == chief and "TOTPDevice" in event.detail
    # And the reporter, at the next sign-in, enrols a new factor.
    assert _password(Client())["Location"].startswith("/admin/security/?next=")


def test_only_those_allowed_may_reset_factors(client, reporter):
    """An editor who may see and change accounts, but not reset factors, is offered no reset and cannot post one."""
    from django.contrib.auth.models import Permission

    TOTPDevice.objects.create(user=reporter, confirmed=True)
    editor = get_user_model().objects.create_user("rana", "rana@example.org", PASSWORD, is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    sign_in(client, editor)
    page = client.get("/admin/auth/user/")
    assert page.status_code == 200 and "reset_second_factors" not in page.content.decode()
    client.post("/admin/auth/user/", {"action": "reset_second_factors", "_selected_action": [reporter.pk]})
    assert TOTPDevice.objects.filter(user=reporter).exists()
    assert not SecurityEvent.objects.filter(kind="factors_reset").exists()


def test_a_delegated_resetter_cannot_reset_a_superuser(client, reporter):
    from django.contrib.auth.models import Permission

    chief = get_user_model().objects.create_superuser("hala", "hala@example.org", PASSWORD)
    TOTPDevice.objects.create(user=chief, confirmed=True)
    desk = get_user_model().objects.create_user("rana", "rana@example.org", PASSWORD, is_staff=True)
    desk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user", "reset_second_factors"])
    )
    sign_in(client, desk)
    response = client.post(
        "/admin/auth/user/", {"action": "reset_second_factors", "_selected_action": [chief.pk]}, follow=True
    )
    assert TOTPDevice.objects.filter(user=chief).exists()
    assert "لا يعيد ضبط عوامل مدير عام إلا مدير عام" in response.content.decode()
    assert not SecurityEvent.objects.filter(kind="factors_reset").exists()


def test_recovery_codes_are_no_factor_of_their_own(client, reporter):
    """A session past the password alone cannot make recovery codes and then pass the second step with them."""
    _password(client)
    client.post("/admin/security/recovery-codes/")
    assert not StaticDevice.objects.filter(user=reporter).exists()


def test_wrong_codes_from_a_stranger_do_not_keep_the_owner_out(reporter):
    """Somebody with the password types wrong codes until the app's factor makes everyone wait; the owner's own
    browser (it signed in before) still gets in with the right code at once, and a new browser is told to wait."""
    device = TOTPDevice.objects.create(user=reporter, confirmed=True)
    owner = Client()
    _password(owner)
    assert owner.post("/admin/security/verify/", {"code": totp_code(device)}).status_code == 302
    owner.get("/admin/")
    owner.post("/admin/logout/")
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=1), tick=False) as traveller:
        stranger = Client()
        _password(stranger)
        for _ in range(5):
            stranger.post("/admin/security/verify/", {"code": "000000"})
            traveller.shift(timezone.timedelta(seconds=1))
        page = stranger.post("/admin/security/verify/", {"code": "000000"}).content.decode()
        assert "انتظر" in page
        newcomer = Client()
        _password(newcomer)
        device.refresh_from_db()
        waiting = newcomer.post("/admin/security/verify/", {"code": totp_code(device)})
        assert waiting.status_code == 200 and "انتظر" in waiting.content.decode()
        _password(owner)
        assert owner.post("/admin/security/verify/", {"code": totp_code(device)}).status_code == 302


def test_with_the_requirement_off_a_password_is_enough(client, reporter, settings):
    """For `make run` on a developer's machine (debug on)."""
    settings.NEWSROOM_REQUIRE_SECOND_FACTOR = False
    assert _password(client).status_code == 200
