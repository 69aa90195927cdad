"""The editors' desk resists password guessing (django-axes), keyed on an address that cannot be forged."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from newsroom.client_ip import client_ip


def _login(client, password, address="203.0.113.7", **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "hala", "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("hala", "hala@example.org", "the right passphrase", is_staff=True)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_at_that_address(client, editor):
    for _ in range(4):
        assert _login(client, "wrong").status_code == 200
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    assert "محاولات دخول فاشلة كثيرة" in locked.content.decode()
    assert _login(client, "the right passphrase").status_code == 429  # even the right password waits
    assert _login(client, "the right passphrase", address="198.51.100.20").status_code == 302  # elsewhere: fine


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, editor):
    for attempt in range(5):
        _login(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}")
    assert _login(client, "the right passphrase", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


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
