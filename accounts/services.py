"""
Writes to staff accounts' second factors. Views, admin actions and commands call these; each leaves a SecurityEvent
saying who did what to which account, and when.
"""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.client_ip import client_ip

from . import throttle
from .models import SecurityEvent

RECOVERY_CODE_COUNT = 10


def _address(request):
    return client_ip(request) if request is not None else None


def security_event_record(*, user, kind, actor=None, detail="", request=None) -> SecurityEvent:
    return SecurityEvent.objects.create(
        user=user, username=user.get_username(), actor=actor, kind=kind, detail=detail, address=_address(request)
    )


def second_factors(user) -> list:
    """The confirmed second factors of `user`: authenticator apps, passkeys and the recovery-code list."""
    return list(devices_for_user(user, confirmed=True))


def has_second_factor(user) -> bool:
    return any(not isinstance(device, StaticDevice) for device in devices_for_user(user, confirmed=True))


def totp_device_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator-app secret for `user` (any earlier unconfirmed one is dropped): it counts as
    a factor only once a code made from it has been typed back (totp_device_confirm)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


def totp_device_confirm(*, device: TOTPDevice, token: str, request) -> bool:
    """Confirm `device` if `token` is its current code; the session counts as verified with it."""
    if device.confirmed or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    security_event_record(
        user=device.user, kind=SecurityEvent.Kind.FACTOR_ADDED, actor=request.user, detail="totp", request=request
    )
    if not request.user.is_verified():
        otp_login(request, device)
    return True


def recovery_codes_make(*, user, request) -> list[str]:
    """A fresh list of one-time recovery codes for `user`, replacing any earlier list. The codes are shown once."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery codes", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        security_event_record(
            user=user, kind=SecurityEvent.Kind.RECOVERY_CODES_MADE, actor=request.user, request=request
        )
    return codes


def second_factor_remove(*, device, request) -> None:
    with transaction.atomic():
        kind = "recovery codes" if isinstance(device, StaticDevice) else type(device).__name__
        device.delete()
        security_event_record(
            user=request.user, kind=SecurityEvent.Kind.FACTOR_REMOVED, actor=request.user, detail=kind, request=request
        )


def second_factors_reset(*, user, by, request=None) -> int:
    """Remove every second factor of `user` (a lost phone or key): at their next sign-in they enrol a new one. Only
    for administrators; logged with who did it. Returns the number of factors removed."""
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        security_event_record(
            user=user,
            kind=SecurityEvent.Kind.FACTORS_RESET,
            actor=by,
            detail=", ".join(sorted({type(device).__name__ for device in devices})),
            request=request,
        )
    return len(devices)


# The second step of signing in. A code is checked against the one kind of factor its shape names: an app's code is
# six digits, a recovery code eight letters and digits (StaticToken.random_token). Each factor slows wrong codes down
# (django-otp doubles the wait after each), and that slowing is the account's, whoever typed them: somebody who has
# the password could keep the owner out. So the owner's own browser (one that fully signed in before: the
# trusted-device cookie of throttle.py) is held to an allowance of its own instead.
APP_CODE = re.compile(r"[0-9]{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


@dataclass(frozen=True)
class SecondStep:
    device: object = None  # the factor the code matched, or None
    wait_seconds: int = 0  # when no factor matched because all are waiting after wrong codes: how long


def second_step_verify(*, request, user, code: str) -> SecondStep:
    """Check `code` for `user`'s second step; on a match the session counts as verified with that factor."""
    model = TOTPDevice if APP_CODE.fullmatch(code) else StaticDevice if RECOVERY_CODE.fullmatch(code) else None
    if model is None:
        return SecondStep()
    known_browser = throttle.device_allowance(request, user, "code")
    waits = []
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, detail = device.verify_is_allowed()
            if not allowed and not known_browser:
                waits.append((detail["locked_until"] - timezone.now()).total_seconds())
                continue
            if _verify_over_the_wait(device, code) if not allowed else device.verify_token(code):
                otp_login(request, device)
                throttle.device_allowance_refund(request)
                return SecondStep(device=device)
    return SecondStep(wait_seconds=max(1, int(min(waits) + 0.999)) if waits else 0)


def _verify_over_the_wait(device, code) -> bool:
    """verify_token() for the owner's own browser while the factor waits after somebody else's wrong codes: tried
    anyway, and a wrong code still counts, on top of the others (the wait keeps growing for everyone else)."""
    failures = device.throttling_failure_count
    device.throttle_reset(commit=False)
    if device.verify_token(code):
        return True
    device.throttling_failure_count = failures + 1
    device.throttling_failure_timestamp = timezone.now()
    device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp"])
    return False
