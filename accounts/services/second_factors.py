"""A staff account's second factors as a whole: which it has, removing one, and an administrator's reset."""

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice

from ..models import SecurityEvent
from .security_events import security_event_record


def second_factors(user) -> list:
    """The confirmed second factors of `user`: authenticator apps, passkeys and the recovery-code list."""
    return list(devices_for_user(user, confirmed=True))


def has_second_factor(user) -> bool:
    return any(not isinstance(device, StaticDevice) for device in devices_for_user(user, confirmed=True))


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
