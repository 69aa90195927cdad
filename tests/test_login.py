"""The editors' desk resists password guessing (django-axes with accounts/throttle.py): one account's guesses are
slowed and capped across every address, and nobody else's failures keep its owner out."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts import throttle
from core.client_ip import client_ip
from tests.factories import totp_code

RIGHT = "the right passphrase"


def _login(client, password, address="203.0.113.7", username="hala", **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("hala", "hala@example.org", RIGHT, is_staff=True)


def _sign_in_fully(browser, username="hala"):
    """Both steps, as the owner would: the password, then the code of their authenticator app; then sign out."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(user=user, confirmed=True)
    assert _login(browser, RIGHT, username=username).status_code == 302
    assert browser.post("/admin/security/verify/", {"code": totp_code(device)}).status_code == 302
    browser.get("/admin/")
    assert settings.NEWSROOM_TRUSTED_DEVICE_COOKIE in browser.cookies  # this browser is now known to the account
    browser.post("/admin/logout/")


@pytest.fixture
def frozen():
    """Time stands still unless a test moves it: the waits between attempts are exact."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _guess_until_refused(client, addresses, frozen, limit=50):
    """Wrong passwords from `addresses` in turn, waiting out each pause as a patient attacker would, until the
    account refuses them for minutes; the number of passwords it checked (refused attempts are not checked)."""
    for attempt in range(limit):
        response = _login(client, "wrong", address=addresses[attempt % len(addresses)])
        if response.status_code == 429:
            wait = int(response["Retry-After"])
            if wait > 10 * 60:
                break
            frozen.shift(timedelta(seconds=wait))
    return AccessAttempt.objects.filter(username="hala").aggregate(checked=Sum("failures_since_start"))["checked"]


@pytest.mark.django_db
def test_guesses_from_many_addresses_are_slowed_then_capped_for_the_account(client, editor, frozen):
    """32 wrong passwords from 8 addresses (4 each) no longer all get a try: after three failures each further
    guess waits twice as long as the last, whichever address it comes from, and after ten the account takes no
    password from an unknown browser, the right one included, for 15 minutes."""
    addresses = [f"198.51.100.{n}" for n in range(1, 9)]
    for attempt in range(3):
        assert _login(client, "wrong", address=addresses[attempt]).status_code == 200
    slowed = _login(client, "wrong", address=addresses[3])
    assert slowed.status_code == 429 and slowed["Retry-After"] == "2"
    assert "الثانية التالية" not in slowed.content.decode()  # a sentence, not a fragment
    assert "انتظر" in slowed.content.decode()
    frozen.shift(timedelta(seconds=2))
    assert _login(client, "wrong", address=addresses[4]).status_code == 200
    assert _login(client, "wrong", address=addresses[5])["Retry-After"] == "4"  # doubled, from another address
    assert _guess_until_refused(client, addresses, frozen) == 10
    locked = _login(client, RIGHT, address="192.0.2.99")
    assert locked.status_code == 429 and 14 * 60 <= int(locked["Retry-After"]) <= 15 * 60
    assert "دقيقة" in locked.content.decode()
    frozen.shift(timedelta(minutes=15, seconds=1))
    assert _login(client, RIGHT, address="192.0.2.99").status_code == 302


@pytest.mark.django_db
def test_failures_at_a_shared_address_do_not_lock_out_colleagues_there(client, editor, frozen):
    """An office or a carrier's NAT: five wrong passwords for other accounts from the address the editor shares
    leave the editor's own sign-in alone."""
    office = "203.0.113.50"
    for name in ("sami", "rana", "yusuf", "lina", "omar"):
        assert _login(client, "wrong", address=office, username=name).status_code == 200
    assert _login(client, RIGHT, address=office).status_code == 302


@pytest.mark.django_db
def test_the_owner_gets_in_from_a_known_browser_while_the_account_is_under_attack(editor, frozen):
    """Somebody guesses the editor's password from everywhere until the account refuses unknown browsers; the
    editor's own browser, which signed in before (it holds the trusted-device cookie), still signs in at once."""
    own_browser = Client()
    _sign_in_fully(own_browser)

    attacker = Client()
    assert _guess_until_refused(attacker, ["192.0.2.1", "192.0.2.2"], frozen) == 10
    assert _login(attacker, RIGHT, address="192.0.2.3").status_code == 429
    assert _login(Client(), RIGHT, address="203.0.113.7").status_code == 429  # a new browser at the owner's address
    assert _login(own_browser, RIGHT).status_code == 302


@pytest.mark.django_db
def test_a_known_browser_has_a_small_allowance_of_its_own(editor, frozen):
    """The trusted-device cookie is no free pass for guessing: after five wrong passwords from it, that browser is
    counted like any other."""
    browser = Client()
    _sign_in_fully(browser)
    for _ in range(5):
        assert _login(browser, "wrong").status_code == 200
    assert _login(browser, "wrong").status_code == 200  # the account's own count starts now: 1 of 10
    assert _login(browser, "wrong").status_code == 200
    assert _login(browser, "wrong").status_code == 200
    assert _login(browser, "wrong").status_code == 429


@pytest.mark.django_db
def test_a_forged_or_foreign_device_cookie_is_no_exemption(client, editor, frozen):
    """The cookie is signed and names its account: made up, or taken from another account's browser, it counts
    for nothing."""
    other = Client()
    get_user_model().objects.create_user("sami", "sami@example.org", RIGHT, is_staff=True)
    _sign_in_fully(other, username="sami")
    for value in ["made-up", other.cookies[settings.NEWSROOM_TRUSTED_DEVICE_COOKIE].value]:
        attacker = Client()
        attacker.cookies[settings.NEWSROOM_TRUSTED_DEVICE_COOKIE] = value
        for _ in range(3):
            _login(attacker, "wrong")
        assert _login(attacker, "wrong").status_code == 429, value
        frozen.shift(timedelta(minutes=16))


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_count(client, editor, frozen):
    for attempt in range(3):
        _login(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}")
    assert _login(client, RIGHT, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "127.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # one proxy: the address it appended
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),
        (2, "1.2.3.4", "127.0.0.1"),  # fewer entries than proxies: not through them
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_an_account_has_one_password_try_in_flight_at_a_time(client, editor, frozen):
    """Guesses sent in parallel would all be checked before the first failure is counted (hashing a password takes
    a third of a second): while one try for the account is in flight, another gets a 429 at once, unchecked."""
    from django.core.cache import cache

    cache.add("login-slot:hala", 1, timeout=throttle.SLOT_SECONDS)  # a try from another worker, still hashing
    refused = _login(client, RIGHT)
    assert refused.status_code == 429 and refused["Retry-After"] == "1"
    assert not AccessAttempt.objects.exists()  # not a failure
    cache.delete("login-slot:hala")
    assert _login(client, RIGHT).status_code == 302
    assert _login(Client(), RIGHT).status_code == 302  # the try ended: its slot is free again


@pytest.mark.django_db
def test_changing_the_password_ends_the_browsers_exemption(editor, frozen):
    browser = Client()
    _sign_in_fully(browser)
    editor.set_password("a brand new passphrase")
    editor.save()
    for _ in range(3):
        _login(browser, "wrong")
    assert _login(browser, "wrong").status_code == 429  # counted like any browser
