"""What a browser posts when a reader subscribes, checked before anything is stored: the site later POSTs to the
endpoint, so only the push services of NEWSROOM_PUSH_SERVICES are accepted (an arbitrary URL would make the job
queue a tool for reaching any host, internal ones included)."""

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from .models import AUTH_BYTES, ENDPOINT_MAX_LENGTH, P256DH_BYTES

BAD_ENDPOINT = _("This browser's push address was not accepted. Please try again in another browser.")
BAD_KEYS = _("This browser's push keys could not be read. Please try again.")


class InvalidSubscription(ValueError):
    """What the reader is told (translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str


def b64url_bytes(value, *, size):
    """The octets of an unpadded (or padded) base64url string of exactly `size` octets, else None."""
    if not isinstance(value, str) or len(value) > 4 * size:
        return None
    try:
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == size else None


def allowed_service(endpoint):
    """Whether `endpoint` is at one of the push services of NEWSROOM_PUSH_SERVICES (`https://host` or
    `https://*.domain`; the port is not compared: a host on the list is the push service whatever its port)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    for service in settings.NEWSROOM_PUSH_SERVICES:
        scheme, _sep, pattern = service.lower().partition("://")
        if parts.scheme != scheme or not host:
            continue
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return False


def endpoint_valid(endpoint):
    if not isinstance(endpoint, str) or not 0 < len(endpoint) <= ENDPOINT_MAX_LENGTH or not endpoint.isprintable():
        return False
    # ASCII and no backslash: parsers disagree on those (`https://evil.example\.push.apple.com/` is apple's host to
    # urlsplit and evil.example's to requests, which sends the notification).
    if not endpoint.isascii() or "\\" in endpoint:
        return False
    try:
        parts = urlsplit(endpoint)
        port = parts.port
        sent_to = parse_url(endpoint)  # how requests (inside pywebpush) will read it
    except (ValueError, LocationParseError):
        return False
    if parts.username is not None or parts.password is not None or parts.fragment or " " in endpoint:
        return False
    host = (parts.hostname or "").lower()
    if (sent_to.host or "").lower() != host or not re.fullmatch(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]|[0-9a-f:]+", host):
        return False  # a host name of letters, digits, dots and hyphens (or an IP address), nothing to decode
    if parts.scheme == "https" and port not in (None, 443):
        return False  # push services listen on 443: another port on their host is not theirs to be sent to
    return allowed_service(endpoint)


def subscription_clean(data) -> Subscription:
    """The subscription in `data` (the browser's PushSubscription.toJSON()), or InvalidSubscription."""
    if not isinstance(data, dict):
        raise InvalidSubscription(BAD_KEYS)
    endpoint = data.get("endpoint")
    if not endpoint_valid(endpoint):
        raise InvalidSubscription(BAD_ENDPOINT)
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise InvalidSubscription(BAD_KEYS)
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    point = b64url_bytes(p256dh, size=P256DH_BYTES)
    if point is None or b64url_bytes(auth, size=AUTH_BYTES) is None:
        raise InvalidSubscription(BAD_KEYS)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise InvalidSubscription(BAD_KEYS) from None
    return Subscription(endpoint=endpoint, p256dh=p256dh.rstrip("="), auth=auth.rstrip("="))
