"""The signed links of newsletters: the confirmation of a sign-up (what was asked for, valid for a few days) and
each subscriber's unsubscribe link (signs the subscriber's own random key, so it works for as long as the
subscription lasts and dies with it)."""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "newsletters.confirm"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"


def confirm_token(*, email: str, digest: bool, alerts: bool, language: str, consent_version: int, consent_at) -> str:
    return signing.dumps(
        {
            "email": email.strip().lower(),
            "digest": bool(digest),
            "alerts": bool(alerts),
            "language": language,
            "version": consent_version,
            "at": consent_at.isoformat(),
        },
        salt=CONFIRM_SALT,
        compress=True,
    )


def read_confirm_token(token: str) -> dict:
    """The sign-up a link carries; raises signing.BadSignature (SignatureExpired included) for a bad or old one."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.NEWSROOM_NEWSLETTER_CONFIRM_DAYS * 86400)
    if not isinstance(data, dict) or not data.get("email") or not (data.get("digest") or data.get("alerts")):
        raise signing.BadSignature("not a newsletter sign-up")
    return data


def unsubscribe_token(key: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(key)


def read_unsubscribe_token(token: str) -> str:
    """The subscriber key a link carries; raises signing.BadSignature."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
