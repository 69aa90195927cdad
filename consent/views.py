import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import is_same_domain, url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.client_ip import client_ip
from core.ratelimit import over_limit

from .categories import categories
from .forms import ConsentForm
from .models import PolicyVersion, clean_policy
from .services.consents import consent_record_choice
from .state import CONSENT_ID, consent_id, consent_state, format_choice

CROSS_SITE = _("Cookie choices can only be made on this site's own pages.")
TOO_MANY = _("Too many cookie choices from your network in a short time. Please wait a few minutes and try again.")
INVALID = _("That choice could not be read. Please choose again.")
NO_POLICY = _("Cookie choices cannot be saved until the site publishes its privacy policy.")


def same_origin(request):
    """
    Whether a POST comes from one of our own pages, by the browser's Fetch Metadata (`Sec-Fetch-Site`), else its
    `Origin`, else its `Referer`. The banner sits on pages that caches share, so it carries no CSRF token; these
    headers, which a page on another site cannot forge, refuse a cross-site forged choice all the same. A request
    with none of them does not come from a browser page.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None and "Referer" in request.headers:
        parts = urlsplit(request.headers["Referer"])
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin is None:
        # No header at all: an old browser, or a page that hid its Referer. Only a refusal, which changes nothing
        # a forger could want, is taken from such a request.
        return request.POST.get("choice") == "reject_all"
    return origin == f"{request.scheme}://{request.get_host()}" or _trusted(origin)


def _trusted(origin):
    """Whether `origin` is in CSRF_TRUSTED_ORIGINS, wildcards (`https://*.example.org`) included, as Django reads it."""
    scheme, _, netloc = origin.partition("://")
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted_scheme, _, trusted_netloc = trusted.partition("://")
        if scheme == trusted_scheme and (
            netloc == trusted_netloc or is_same_domain(netloc, trusted_netloc.lstrip("*"))
        ):
            return True
    return False


def safe_next(request, value):
    """The page to go back to: a path on this site, or this language's home page. Never another host."""
    if (
        value
        and len(value) <= 4000
        and value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and value.isprintable()
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return value
    return reverse("home")


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request, message, *, status, form=None):
    if wants_json(request):
        response = JsonResponse({"error": str(message)}, status=status)
    else:
        response = _settings_page(request, form=form, error=message, status=status)
    if status == 429:
        response["Retry-After"] = str(settings.NEWSROOM_CONSENT_RATE_WINDOW)
    return response


def _settings_page(request, *, form=None, error=None, status=200):
    state = consent_state(request)
    known_id = request.COOKIES.get(settings.NEWSROOM_CONSENT_ID_COOKIE, "")
    return render(
        request,
        "consent/settings.html",
        {
            "state": state,
            "categories": categories(),
            "consent_id": known_id if CONSENT_ID.fullmatch(known_id) else "",
            "next": safe_next(request, request.POST.get("next") or request.GET.get("next")),
            "error": error,
            "consent_page": True,
        },
        status=status,
    )


@csrf_exempt  # a same-origin check stands in for the token: see same_origin()
@never_cache
@require_http_methods(["GET", "POST"])
def consent_settings(request):
    """
    GET: the cookie settings page (the footer link's target): the choices in force, each category and its cookies.
    POST: record a choice from the banner, this page or a media placeholder, set the consent cookies, delete the
    cookies of any category now refused, and go back to the page the reader was on (JSON when the page's script
    asks, so it needs no reload).
    """
    if request.method == "GET":
        return _settings_page(request)
    if not same_origin(request):
        return _refuse(request, CROSS_SITE, status=403)
    if over_limit(
        f"consent:{client_ip(request)}",
        settings.NEWSROOM_CONSENT_RATE_PER_ADDRESS,
        settings.NEWSROOM_CONSENT_RATE_WINDOW,
    ):
        return _refuse(request, TOO_MANY, status=429)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _refuse(request, INVALID, status=400, form=form)
    state = consent_state(request)
    if state.policy_version == 0:
        return _refuse(request, NO_POLICY, status=503, form=form)
    allowed = form.categories(allowed_before=state.categories)
    reader = consent_id(request)
    consent_record_choice(
        consent_id=reader,
        categories=allowed,
        method=form.cleaned_data["choice"],
        policy_version=state.policy_version,
        language=get_language(),
        gpc=state.gpc,
    )
    if wants_json(request):
        response = JsonResponse({"policy_version": state.policy_version, "categories": sorted(allowed)})
    else:
        response = HttpResponseRedirect(safe_next(request, request.POST.get("next")))
        response.status_code = 303  # See Other: the browser GETs the page it came from
    cookie = {"path": "/", "samesite": "Lax", "secure": settings.SESSION_COOKIE_SECURE}
    response.set_cookie(
        settings.NEWSROOM_CONSENT_COOKIE,
        format_choice(state.policy_version, allowed, gpc=state.gpc),
        max_age=settings.NEWSROOM_CONSENT_REASK_DAYS * 86400,
        **cookie,
    )
    response.set_cookie(
        settings.NEWSROOM_CONSENT_ID_COOKIE,
        reader,
        max_age=settings.NEWSROOM_CONSENT_ID_DAYS * 86400,
        httponly=True,
        **cookie,
    )
    if "analytics" not in allowed:
        for name in request.COOKIES:
            if name.startswith(tuple(settings.NEWSROOM_ANALYTICS_COOKIES)):
                response.delete_cookie(name, path="/", domain=settings.NEWSROOM_ANALYTICS_COOKIE_DOMAIN or None)
    return response


def policy_detail(request):
    """
    The privacy & cookies policy in force (or an earlier version, `?version=N`), with what the site counts of
    reading and what it keeps about commenters, and for how long (the numbers come from settings), and the cookies
    of each category (from the same list the banner uses).
    """
    versions = list(PolicyVersion.objects.in_effect().only("number", "effective_at"))
    wanted = request.GET.get("version", "")
    if wanted:
        if not re.fullmatch(r"[0-9]{1,9}", wanted) or int(wanted) not in {version.number for version in versions}:
            raise Http404
        policy = PolicyVersion.objects.get(number=int(wanted))
    elif versions:
        policy = PolicyVersion.objects.get(number=versions[0].number)
    else:
        policy = None
    language = get_language()
    translated = policy is not None and bool(getattr(policy, f"body_{language}", ""))
    return render(
        request,
        "consent/policy.html",
        {
            "policy": policy,
            "body": mark_safe(clean_policy(policy.body)) if policy else "",  # noqa: S308 - sanitised just now
            "translated": translated,
            "current": versions[0] if versions else None,
            "versions": versions,
            "categories": categories(),
            "ip_days": settings.NEWSROOM_COMMENT_IP_RETENTION_DAYS,
            "email_days": settings.NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS,
            "spam_days": settings.NEWSROOM_COMMENT_SPAM_RETENTION_DAYS,
            "log_days": settings.NEWSROOM_CONSENT_LOG_RETENTION_DAYS,
            "reask_days": settings.NEWSROOM_CONSENT_REASK_DAYS,
            "reads_days": settings.NEWSROOM_READS_RETENTION_DAYS,
            "newsletter_confirm_days": settings.NEWSROOM_NEWSLETTER_CONFIRM_DAYS,
        },
    )
