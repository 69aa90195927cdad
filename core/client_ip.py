"""The address a request came from, trusting proxies only as far as settings say."""

from django.conf import settings


def client_ip(request) -> str:
    """
    REMOTE_ADDR, unless the site runs behind DJANGO_TRUSTED_PROXY_COUNT reverse proxies: then the address the
    outermost trusted proxy saw, counted from the right of X-Forwarded-For. Entries further left are written by
    the client and can say anything, so a forged header never changes whose address this is.
    """
    proxies = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
