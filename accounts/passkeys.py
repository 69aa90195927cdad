"""Passkeys and security keys (django-otp-webauthn), bound to the host the staff member is signing in on."""

from django.conf import settings
from django.http.request import split_domain_port
from django_otp_webauthn.helpers import WebAuthnHelper


def relying_party_id(request) -> str:
    """OTP_WEBAUTHN_RP_ID_CALLABLE: the site's host name, unless NEWSROOM_WEBAUTHN_RP_ID names a parent domain.
    The host has passed ALLOWED_HOSTS by the time this is asked."""
    return settings.NEWSROOM_WEBAUTHN_RP_ID or split_domain_port(request.get_host())[0]


def relying_party_name(request) -> str:
    return settings.NEWSROOM_SITE_NAME["ar"]


class PasskeyHelper(WebAuthnHelper):
    """The origin a ceremony must come from is this site's own, as the browser reached it (scheme, host, port),
    plus those in OTP_WEBAUTHN_ALLOWED_ORIGINS: a page elsewhere that relays our challenge is refused. (The host
    has passed ALLOWED_HOSTS, and the scheme is the proxy's only behind a trusted one.)"""

    def get_allowed_origins(self) -> list[str]:
        own = f"{self.request.scheme}://{self.request.get_host()}"
        return [own, *settings.OTP_WEBAUTHN_ALLOWED_ORIGINS]
