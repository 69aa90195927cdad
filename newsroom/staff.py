"""
Which requests are staff's: they bypass the page cache and read from the primary database.

A session cookie alone proves nothing (anyone can send `Cookie: sessionid=x`), and checking it would cost a
session lookup on every request, which is exactly what the page cache exists to avoid. So when a staff user's
request reaches the application, StaffMarkerMiddleware sets a second cookie, an HMAC of their session key; the page
cache and the replica router (`staff_request`) trust a request only when the two match, which costs one HMAC and
no lookup. Any other request, however its cookies are forged, is an anonymous reader's and is answered from the
cache, under the same key as everyone else's.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

STAFF_COOKIE = "newsroom_staff"
_SALT = "newsroom.staff.marker"


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


def staff_marker(session_key):
    # Keyed by NEWSROOM_STAFF_MARKER_KEY (SECRET_KEY when unset): nginx checks the same HMAC (docs/nginx/).
    return salted_hmac(_SALT, session_key, secret=settings.NEWSROOM_STAFF_MARKER_KEY, algorithm="sha256").hexdigest()


def staff_request(request):
    """Whether the request carries a staff session and its marker: from the cookies alone, no database or cache."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    marker = request.COOKIES.get(STAFF_COOKIE)
    if not session_key or not marker:
        return False
    return constant_time_compare(marker, staff_marker(session_key))


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
            marker = staff_marker(session.session_key)
            # Set again whenever SessionMiddleware sends the session cookie again, so both expire together.
            if session.modified or settings.SESSION_SAVE_EVERY_REQUEST or request.COOKIES.get(STAFF_COOKIE) != marker:
                response.set_cookie(
                    STAFF_COOKIE,
                    marker,
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
