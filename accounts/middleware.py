from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from . import throttle
from .services.second_factors import has_second_factor

# What a staff member who has given their password but no second factor yet may reach.
OPEN_NAMESPACES = {"accounts", "otp_webauthn"}
OPEN_ADMIN_VIEWS = {"login", "logout"}


def second_factor_required() -> bool:
    return settings.NEWSROOM_REQUIRE_SECOND_FACTOR


def second_factor_passed(user) -> bool:
    """This session has passed the second factor, or none is asked for."""
    return not second_factor_required() or verified(user)


def fully_signed_in(user) -> bool:
    """A staff member who has passed every step the site asks for (password, and the second factor when it is
    required)."""
    return user.is_authenticated and user.is_staff and second_factor_passed(user)


def verified(user) -> bool:
    """Whether this session passed a second factor. (Right after `login()` the request's user is the plain model
    instance, which django-otp has not yet given `is_verified`.)"""
    return getattr(user, "is_verified", lambda: False)()


class SecondFactorMiddleware:
    """
    With NEWSROOM_REQUIRE_SECOND_FACTOR on, a staff session that has passed the password but no second factor is
    held at the sign-in's second step: every admin page sends it to the code / passkey page (or, for an account with
    no factor yet, to enrolment), and everywhere else it has no staff rights at all.

    Also gives a browser that has fully signed in the trusted-device cookie of accounts/throttle.py.
    The user is read only where the view reads the session anyway (the admin, the sign-in): a reader's page with a
    session cookie, forged or not, loads nothing here, so it is drawn and cached as anyone else's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        throttle.release_slots(request)
        if request.session.accessed and fully_signed_in(request.user):
            if throttle.trusted_device(request, request.user) is None:
                response.set_cookie(
                    settings.NEWSROOM_TRUSTED_DEVICE_COOKIE,
                    throttle.device_cookie_value(request.user),
                    max_age=settings.NEWSROOM_TRUSTED_DEVICE_DAYS * 86400,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not second_factor_required() or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        match = request.resolver_match
        if match.namespace in OPEN_NAMESPACES or (match.namespace == "admin" and match.url_name in OPEN_ADMIN_VIEWS):
            return None
        if "admin" not in match.namespaces:
            # Looked at only if the view asks who the user is.
            user = request.user
            request.user = SimpleLazyObject(lambda: AnonymousUser() if _held(user) else user)
            return None
        if _held(request.user):
            step = "accounts:verify" if has_second_factor(request.user) else "accounts:security"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return None


def _held(user) -> bool:
    """A staff member who has given the password but not yet the second factor."""
    return user.is_authenticated and user.is_staff and not verified(user)
