"""Authenticator apps (TOTP): enrolling one, with a code typed back to confirm it."""

from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import SecurityEvent
from .security_events import security_event_record


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
