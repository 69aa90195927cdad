"""The second step of signing in: a code checked against the account's factors, slowed down when wrong."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import throttle

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
