"""
Which requests are staff's: they bypass the page cache and read from the primary database.

A session cookie alone proves nothing (anyone can send `Cookie: sessionid=x`), and checking it would cost a
session lookup on every request, which is exactly what the page cache exists to avoid. So when a staff user's
request reaches the application, StaffMarkerMiddleware sets a second cookie, `<expires>.<hmac>`: the POSIX time at
which the session cookie expires, and an HMAC of the session key and that time. The page cache and the replica
router (`staff_request`) trust a request only when the HMAC matches and the time is still ahead, which costs one
HMAC and no lookup. Any other request, however its cookies are forged, is an anonymous reader's and is answered from
the cache, under the same key as everyone else's.

The time is what makes a pair die: nothing else is looked up, so without it a pair kept after a logout (by former
staff, or leaked) would bypass both caches for ever. With it, a pair outlives its session by no more than the
session cookie itself would have.
"""

import re
import time

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

STAFF_COOKIE = "newsroom_staff"
_SALT = "newsroom.staff.marker"
# Digits without a leading zero, so each time has exactly one spelling, the one that was signed; twelve at most, far
# beyond any expiry the bound below lets through, and a number JavaScript holds exactly (docs/nginx/).
_MARKER = re.compile(r"([1-9][0-9]{0,11})\.([0-9a-f]{64})", re.ASCII)
# Clocks of the application machines and nginx's differ a little; a marker is never minted further ahead than this.
_CLOCK_SKEW = 60


# What an app adds to "staff" (accounts/: a second factor passed), registered from its AppConfig.ready().
_staff_requirements = []


def require_of_staff(requirement):
    """Register `requirement(user) -> bool`, which every staff user must also meet."""
    _staff_requirements.append(requirement)


def is_staff_user(user):
    """Who counts as staff for the page cache and the replica: an active staff account that meets every registered
    requirement."""
    return bool(user.is_authenticated and user.is_active and user.is_staff) and all(
        requirement(user) for requirement in _staff_requirements
    )


def staff_marker(session_key, expires):
    """The marker of `session_key` until `expires` (POSIX seconds, the session cookie's expiry): `<expires>.<hmac>`,
    the HMAC taken over `<session_key>.<expires>`."""
    expires = int(expires)
    # Keyed by NEWSROOM_STAFF_MARKER_KEY (SECRET_KEY when unset): nginx checks the same HMAC (docs/nginx/).
    signature = salted_hmac(
        _SALT, f"{session_key}.{expires}", secret=settings.NEWSROOM_STAFF_MARKER_KEY, algorithm="sha256"
    ).hexdigest()
    return f"{expires}.{signature}"


def _marks(marker, session_key):
    """Whether `marker` is a valid, unexpired marker of `session_key`."""
    match = _MARKER.fullmatch(marker or "")
    if not session_key or not match:
        return False
    expires = int(match[1])
    now = time.time()
    # Never further ahead than a fresh session cookie's expiry: no marker is minted beyond it (staff_expiry below).
    if not now < expires <= now + settings.SESSION_COOKIE_AGE + _CLOCK_SKEW:
        return False
    return constant_time_compare(marker, staff_marker(session_key, expires))


def staff_request(request):
    """Whether the request carries a staff session and its unexpired marker: from the cookies alone, no database or
    cache."""
    return _marks(request.COOKIES.get(STAFF_COOKIE), request.COOKIES.get(settings.SESSION_COOKIE_NAME))


def staff_expiry(session):
    """When `session`'s cookie expires, in POSIX seconds, rounded down: a browser-session cookie (which carries no
    expiry) is given SESSION_COOKIE_AGE, as the server gives the session itself. A session made to last longer
    than that (`set_expiry()`) is marked for SESSION_COOKIE_AGE only, and marked again on its next visit to the
    desk."""
    now = time.time()
    return int(min(session.get_expiry_date().timestamp(), now + settings.SESSION_COOKIE_AGE))


class StaffMarkerMiddleware:
    """Sets the marker for a staff user's session and deletes it once the session is no longer staff's. Placed after
    AuthenticationMiddleware (and after any middleware that verifies a second factor), so `request.user` is final."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The user is looked at only when the view already loaded the session (the admin, a login, a logout) or the
        # request claims a staff session with a valid marker. A reader's page with a bare or forged session cookie
        # loads nothing, sets no cookie, and is stored by the page cache like any other reader's.
        if request.session.accessed or staff_request(request):
            self._update(request, response)
        return response

    @staticmethod
    def _update(request, response):
        session = request.session
        if is_staff_user(request.user) and session.session_key:
            # Set again whenever SessionMiddleware sends the session cookie again, so both expire together; and when
            # the marker held is not this session's, or has expired.
            resent = session.modified or settings.SESSION_SAVE_EVERY_REQUEST
            if resent or not _marks(request.COOKIES.get(STAFF_COOKIE), session.session_key):
                response.set_cookie(
                    STAFF_COOKIE,
                    staff_marker(session.session_key, staff_expiry(session)),
                    max_age=None if session.get_expire_at_browser_close() else session.get_expiry_age(),
                    path=settings.SESSION_COOKIE_PATH,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        elif STAFF_COOKIE in request.COOKIES:
            response.delete_cookie(
                STAFF_COOKIE, path=settings.SESSION_COOKIE_PATH, domain=settings.SESSION_COOKIE_DOMAIN, samesite="Lax"
            )
