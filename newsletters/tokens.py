"""The links of newsletters: the confirmation of a sign-up (what was asked for, valid for a few days) and each
subscriber's unsubscribe link (signs the subscriber's own random key, so it works for as long as the subscription
lasts and dies with it).

The confirmation link carries the address and the lists asked for, encrypted as well as authenticated (Fernet,
with a key derived from SECRET_KEY and its fallbacks): a signed link alone would show the address to anyone reading
it, and links end up in access logs and browser histories."""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import signing

CONFIRM_SALT = "newsletters.confirm"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"


def _confirm_key(secret):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CONFIRM_SALT.encode()).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _confirm_fernet():
    """The current SECRET_KEY encrypts; it and SECRET_KEY_FALLBACKS decrypt (links survive a key rotation)."""
    return MultiFernet([_confirm_key(secret) for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]])


def confirm_token(*, email: str, digest: bool, alerts: bool, language: str, consent_version: int, consent_at) -> str:
    data = {
        "email": email.strip().lower(),
        "digest": bool(digest),
        "alerts": bool(alerts),
        "language": language,
        "version": consent_version,
        "at": consent_at.isoformat(),
    }
    return _confirm_fernet().encrypt(json.dumps(data, separators=(",", ":")).encode()).decode()


def read_confirm_token(token: str) -> dict:
    """The sign-up a link carries; raises signing.BadSignature (SignatureExpired for an old one) for a bad link."""
    fernet = _confirm_fernet()
    try:
        fernet.decrypt(token.encode(), ttl=None)
    except (InvalidToken, ValueError, UnicodeError) as error:
        raise signing.BadSignature("not a newsletter sign-up") from error
    try:
        data = json.loads(fernet.decrypt(token.encode(), ttl=settings.NEWSROOM_NEWSLETTER_CONFIRM_DAYS * 86400))
    except InvalidToken as error:
        raise signing.SignatureExpired("the sign-up's link has expired") from error
    if not isinstance(data, dict) or not data.get("email") or not (data.get("digest") or data.get("alerts")):
        raise signing.BadSignature("not a newsletter sign-up")
    return data


def unsubscribe_token(key: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(key)


def read_unsubscribe_token(token: str) -> str:
    """The subscriber key a link carries; raises signing.BadSignature."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
