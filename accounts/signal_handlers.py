from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save
from django_otp_webauthn.models import WebAuthnCredential

from . import throttle
from .models import SecurityEvent


def _login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        throttle.count_device_failure(request, credentials)


def _passkey_saved(sender, instance, created, raw=False, **kwargs):
    """Passkeys are registered by django-otp-webauthn's own views: the audit row is written here."""
    if created and not raw:
        from .services import security_event_record

        security_event_record(
            user=instance.user, kind=SecurityEvent.Kind.FACTOR_ADDED, actor=instance.user, detail="passkey"
        )


def connect():
    user_login_failed.connect(_login_failed, dispatch_uid="accounts.login_failed")
    post_save.connect(_passkey_saved, sender=WebAuthnCredential, dispatch_uid="accounts.passkey_saved")
