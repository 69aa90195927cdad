"""The security log of staff accounts: who did what to which account's sign-in, when and from where."""

from core.client_ip import client_ip

from ..models import SecurityEvent


def _address(request):
    return client_ip(request) if request is not None else None


def security_event_record(*, user, kind, actor=None, detail="", request=None) -> SecurityEvent:
    return SecurityEvent.objects.create(
        user=user, username=user.get_username(), actor=actor, kind=kind, detail=detail, address=_address(request)
    )
