import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from consent.state import current_policy_version
from consent.views import same_origin
from core.client_ip import client_ip
from core.ratelimit import over_limit

from .sending import push_enabled
from .services.subscriptions import subscription_record, subscription_remove
from .validation import InvalidSubscription, endpoint_valid, subscription_clean

CROSS_SITE = _("Breaking-news alerts can only be asked for on this site's own pages.")
TOO_MANY = _("Too many requests from your network in a short time. Please wait a few minutes and try again.")
UNREADABLE = _("That request could not be read. Please try again.")
NO_CONSENT = _("Alerts are only sent to readers who agree to them.")
NO_POLICY = _("Alerts cannot be asked for until the site publishes its privacy policy.")
OFF = _("This site does not send breaking-news alerts.")

# A browser's subscription is a few hundred bytes: anything much larger is not one.
MAX_BODY_BYTES = 4096
WORKER_FILE = "js/push-worker.js"


def _refuse(message, *, status):
    response = JsonResponse({"error": str(message)}, status=status)
    if status == 429:
        response["Retry-After"] = str(settings.NEWSROOM_PUSH_RATE_WINDOW)
    return response


def _read(request):
    """The checks every change goes through, in order; returns (data, None) or (None, refusal)."""
    if not push_enabled():
        return None, _refuse(OFF, status=404)
    if not same_origin(request):
        return None, _refuse(CROSS_SITE, status=403)
    if over_limit(
        f"push:{client_ip(request)}", settings.NEWSROOM_PUSH_RATE_PER_ADDRESS, settings.NEWSROOM_PUSH_RATE_WINDOW
    ):
        return None, _refuse(TOO_MANY, status=429)
    if len(request.body) > MAX_BODY_BYTES:
        return None, _refuse(UNREADABLE, status=400)
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None, _refuse(UNREADABLE, status=400)
    if not isinstance(data, dict):
        return None, _refuse(UNREADABLE, status=400)
    return data, None


@csrf_exempt  # the button sits on pages that caches share, without a token: same_origin() stands in for it
@never_cache
@require_POST
def subscription_create(request):
    """The button's POST: the browser's subscription (endpoint, keys) and the reader's agreement to the statement
    beside the button. Stored with the policy version in force and the time; alerts come in the page's language."""
    data, refusal = _read(request)
    if refusal:
        return refusal
    if data.get("consent") is not True:
        return _refuse(NO_CONSENT, status=400)
    try:
        subscription = subscription_clean(data.get("subscription"))
    except InvalidSubscription as error:
        return _refuse(error.message, status=400)
    policy_version = current_policy_version()
    if not policy_version:
        return _refuse(NO_POLICY, status=503)
    subscription_record(subscription=subscription, language=get_language(), policy_version=policy_version)
    return JsonResponse({"subscribed": True, "policy_version": policy_version}, status=201)


@csrf_exempt  # as subscription_create
@never_cache
@require_POST
def subscription_delete(request):
    """The same button, once subscribed: forget the subscription (the endpoint is the browser's own secret)."""
    data, refusal = _read(request)
    if refusal:
        return refusal
    endpoint = data.get("endpoint")
    if not endpoint_valid(endpoint):
        return _refuse(UNREADABLE, status=400)
    subscription_remove(endpoint=endpoint)
    return JsonResponse({"subscribed": False})


@cache
def _worker_source():
    path = finders.find(WORKER_FILE)
    with open(path, "rb") as source:
        return source.read()


@require_GET
def service_worker(request):
    """The service worker, from the site's root so that its scope is the whole site (a script under /static/ could
    control only /static/). Browsers look for a new version at least daily: it is cached no longer than a day."""
    if not push_enabled():
        raise Http404
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
