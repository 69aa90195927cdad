"""
Login throttling that an attacker cannot turn against a colleague (django-axes does the counting).

The rule:
- Failures are counted per account, from every address together: guessing one account's password from many
  addresses is no faster than from one. After `NEWSROOM_LOGIN_SLOW_AFTER` failures each further attempt must wait
  twice as long as the one before (2 s, 4 s, 8 s … at most `NEWSROOM_LOGIN_MAX_DELAY_SECONDS`); after
  `AXES_FAILURE_LIMIT` failures the account takes no password from an unknown browser until `AXES_COOLOFF_TIME`
  has passed since the last failure. Other accounts, and other people at the same address, are not affected.
- A browser that has fully signed in to an account before (password and second factor) carries a signed
  "trusted device" cookie for that account. Its attempts are exempt from the account's count, so the owner still
  gets in while somebody else hammers the account; it has a small allowance of its own
  (`NEWSROOM_LOGIN_DEVICE_FAILURES`), after which it is treated as unknown until it signs in again.
  (OWASP's "device cookies" scheme.)
"""

import secrets
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

DEVICE_COOKIE = settings.NEWSROOM_TRUSTED_DEVICE_COOKIE
DEVICE_SALT = "accounts.trusted-device"
DEVICE_COOKIE_DAYS = settings.NEWSROOM_TRUSTED_DEVICE_DAYS


def device_cookie_value(username: str) -> str:
    return signing.dumps({"u": username, "d": secrets.token_hex(8)}, salt=DEVICE_SALT, compress=True)


def trusted_device(request, username):
    """The id of the trusted-device cookie this request carries for `username`, or None."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value or not username:
        return None
    try:
        token = signing.loads(value, salt=DEVICE_SALT, max_age=timedelta(days=DEVICE_COOKIE_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(token, dict) or token.get("u") != username:
        return None
    return token.get("d")


def _device_failures_key(device):
    return f"login-device-failures:{device}"


def from_trusted_device(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: this attempt comes from a browser that signed in to the account before and has not
    used up its own allowance. A cache that cannot be read makes no device trusted (the account's count applies)."""
    device = trusted_device(request, get_client_username(request, credentials))
    if device is None:
        return False
    try:
        failures = cache.get(_device_failures_key(device), 0)
    except Exception:  # noqa: BLE001 - an unreadable allowance is an exhausted one
        return False
    return failures < settings.NEWSROOM_LOGIN_DEVICE_FAILURES


def count_device_failure(request, credentials) -> None:
    """A wrong password from a trusted device uses up part of that device's own allowance."""
    device = trusted_device(request, get_client_username(request, credentials))
    if device is None:
        return
    key = _device_failures_key(device)
    window = int(get_cool_off(request).total_seconds())
    try:
        if not cache.add(key, 1, timeout=window):
            cache.incr(key)
    except Exception:  # noqa: BLE001, S110 - the allowance is then unreadable, which from_trusted_device refuses
        pass


def _delay(failures: int) -> int:
    """How long to wait after the `failures`-th failure before the next attempt (seconds)."""
    if failures < settings.NEWSROOM_LOGIN_SLOW_AFTER:
        return 0
    return min(2 ** (failures - settings.NEWSROOM_LOGIN_SLOW_AFTER + 1), settings.NEWSROOM_LOGIN_MAX_DELAY_SECONDS)


def account_wait(username: str, now=None) -> int:
    """Seconds before an unknown browser may try a password for `username` again (0: now)."""
    now = now or timezone.now()
    cool_off = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cool_off).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    failures, last = recent["failures"] or 0, recent["last"]
    if not failures:
        return 0
    if failures >= settings.AXES_FAILURE_LIMIT:
        until = last + cool_off
    else:
        until = last + timedelta(seconds=_delay(failures))
    return max(0, int((until - now).total_seconds() + 0.999))


class AccountThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler, which also makes an account wait between attempts once it is being guessed."""

    def is_locked(self, request, credentials=None) -> bool:
        username = get_client_username(request, credentials)
        return bool(username) and account_wait(username, getattr(request, "axes_attempt_time", None)) > 0


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a 429 that says how long to wait (Retry-After) and why, in the page's language."""
    username = get_client_username(request, credentials) or ""
    wait = max(1, account_wait(username)) if username else int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "locked_out.html",
        {"wait_minutes": -(-wait // 60), "wait_seconds": wait, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
