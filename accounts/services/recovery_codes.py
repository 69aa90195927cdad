"""One-time recovery codes, for the day the phone or the key is lost."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from ..models import SecurityEvent
from .security_events import security_event_record

RECOVERY_CODE_COUNT = 10


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
