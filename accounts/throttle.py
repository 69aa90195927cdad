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
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

DEVICE_SALT = "accounts.trusted-device"
# Tries of the same kind one account may have in flight at once from unknown browsers: one. Without it, parallel
# guesses would all be checked before the first failure is counted (a password takes a third of a second to hash).
SLOT_SECONDS = 30


def device_cookie_value(user) -> str:
    """A new trusted-device cookie for `user`: signed, naming the account by id and by a digest of its password,
    so a changed password (or a reused username) ends every earlier browser's exemption."""
    token = {"u": user.pk, "p": user.get_session_auth_hash()[:16], "d": secrets.token_hex(8)}
    return signing.dumps(token, salt=DEVICE_SALT, compress=True)


def _user_named(username):
    user_model = get_user_model()
    return user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first() if username else None


def trusted_device(request, user):
    """The id of the trusted-device cookie this request carries for `user` (a user or a username), or None."""
    value = request.COOKIES.get(settings.NEWSROOM_TRUSTED_DEVICE_COOKIE)
    if not value or not user:
        return None
    try:
        token = signing.loads(value, salt=DEVICE_SALT, max_age=timedelta(days=settings.NEWSROOM_TRUSTED_DEVICE_DAYS))
    except signing.BadSignature:
        return None
    if isinstance(user, str):
        user = _user_named(user)
    if user is None or not isinstance(token, dict) or token.get("u") != user.pk:
        return None
    if token.get("p") != user.get_session_auth_hash()[:16]:
        return None
    return token.get("d")


def _take(key, limit, window) -> bool:
    """Count one more try against `key`; whether it is still within `limit`. A cache that cannot be reached
    allows nothing: the caller then falls back to the stricter rule."""
    try:
        if cache.add(key, 1, timeout=window):
            return 1 <= limit
        return cache.incr(key) <= limit
    except Exception:  # noqa: BLE001 - an unreadable allowance is an exhausted one
        return False


def device_allowance(request, user, kind) -> bool:
    """Whether this request comes from a browser that fully signed in to `user` before and has tries of `kind`
    ("password", "code") left; the try is counted now, before it is checked (a success gives it back)."""
    device = trusted_device(request, user)
    if device is None:
        return False
    key = f"login-device:{kind}:{device}"
    request.trusted_device_keys = {*getattr(request, "trusted_device_keys", ()), key}
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return _take(key, settings.NEWSROOM_LOGIN_DEVICE_FAILURES, window)


def device_allowance_refund(request) -> None:
    """A sign-in step succeeded: its tries do not count against the browser."""
    try:
        cache.delete_many(list(getattr(request, "trusted_device_keys", ())))
    except Exception:  # noqa: BLE001, S110 - the tries then stay counted until their window ends
        pass


def from_trusted_device(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: this password attempt comes from a browser that signed in to the account before and
    has not used up its own allowance. Asked more than once per request by django-axes: counted once."""
    if not hasattr(request, "trusted_device_password"):
        request.trusted_device_password = device_allowance(
            request, get_client_username(request, credentials), "password"
        )
    return request.trusted_device_password


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
        if not username:
            return False
        if account_wait(username, getattr(request, "axes_attempt_time", None)) > 0:
            return True
        return not reserve_slot(request, f"login-slot:{username}")


def reserve_slot(request, key) -> bool:
    """Whether this request may go ahead as the one try of its kind in flight (see SLOT_SECONDS); given back when
    the request ends (release_slots). A cache that cannot be reached reserves nothing and lets the try go ahead:
    the count in the database still holds."""
    if key in getattr(request, "reserved_slots", ()):
        return True  # django-axes asks again within the same request
    try:
        reserved = cache.add(key, 1, timeout=SLOT_SECONDS)
    except Exception:  # noqa: BLE001 - see the docstring
        return True
    if reserved:
        request.reserved_slots = [*getattr(request, "reserved_slots", ()), key]
    return reserved


def release_slots(request) -> None:
    slots = getattr(request, "reserved_slots", ())
    if not slots:
        return  # every request passes here: no cache call for the ones that tried no password
    try:
        cache.delete_many(slots)
    except Exception:  # noqa: BLE001, S110 - a slot left behind ends after SLOT_SECONDS
        pass


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
