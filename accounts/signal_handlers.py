from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django_otp_webauthn.models import WebAuthnCredential

from . import throttle
from .models import SecurityEvent


def _logged_in(sender, request=None, **kwargs):
    """The password was right: the browser's tries are given back."""
    if request is not None:
        throttle.device_allowance_refund(request)


def _passkey_saved(sender, instance, created, raw=False, **kwargs):
    """Passkeys are registered by django-otp-webauthn's own views: the audit row is written here."""
    if created and not raw:
        from .services.security_events import security_event_record

        security_event_record(
            user=instance.user, kind=SecurityEvent.Kind.FACTOR_ADDED, actor=instance.user, detail="passkey"
        )


def connect():
    user_logged_in.connect(_logged_in, dispatch_uid="accounts.logged_in")
    post_save.connect(_passkey_saved, sender=WebAuthnCredential, dispatch_uid="accounts.passkey_saved")
