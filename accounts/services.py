"""
Writes to staff accounts' second factors. Views, admin actions and commands call these; each leaves a SecurityEvent
saying who did what to which account, and when.
"""

from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.client_ip import client_ip

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
