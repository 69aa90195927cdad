import uuid

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consent.state import current_policy_version
from consent.views import same_origin
from core.client_ip import client_ip
from core.ratelimit import over_limit

from .forms import SubscribeForm
from .jobs import confirmation_send
from .models import Subscriber
from .services.subscribers import LIST_FIELDS, subscriber_confirm, subscriber_sign_up, subscriber_unsubscribe
from .tokens import confirm_token, read_confirm_token, read_unsubscribe_token

CROSS_SITE = _("Subscriptions can only be made on this site's own pages.")
TOO_MANY = _("Too many subscription requests in a short time. Please wait a few minutes and try again.")
NO_POLICY = _("Subscriptions cannot be taken until the site publishes its privacy policy.")


def _page(request, form, *, status=200, sent=False):
    context = {"form": form, "sent": sent, "confirm_days": settings.NEWSROOM_NEWSLETTER_CONFIRM_DAYS}
    response = render(request, "newsletters/subscribe.html", context, status=status)
    if request.method == "POST":
        add_never_cache_headers(response)
        if status == 429:
            response["Retry-After"] = str(settings.NEWSROOM_NEWSLETTER_RATE_WINDOW)
    return response


@csrf_exempt  # the page is cached, so its form carries no CSRF token: a same-origin check stands in for it
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """
    GET: the sign-up form (cacheable: the same page for every reader).
    POST: a sign-up. The answer is the same whether the address is known or not; the confirmation link goes to the
    address by a job, and nothing is sent to it before its owner opens that link.
    """
    if request.method == "GET":
        return _page(request, SubscribeForm(initial={"language": get_language(), "lists": ["digest"]}))
    form = SubscribeForm(request.POST)
    if not same_origin(request):
        form.is_valid()
        form.add_error(None, CROSS_SITE)
        return _page(request, form, status=403)
    window = settings.NEWSROOM_NEWSLETTER_RATE_WINDOW
    if over_limit(f"newsletter:ip:{client_ip(request)}", settings.NEWSROOM_NEWSLETTER_RATE_PER_CLIENT, window):
        form.is_valid()
        form.add_error(None, TOO_MANY)
        return _page(request, form, status=429)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    if over_limit(f"newsletter:email:{data['email'].lower()}", settings.NEWSROOM_NEWSLETTER_RATE_PER_EMAIL, window):
        form.add_error(None, TOO_MANY)
        return _page(request, form, status=429)
    version = current_policy_version()
    if version == 0:
        form.add_error(None, NO_POLICY)
        return _page(request, form, status=503)
    choice = {
        "email": data["email"],
        "digest": "digest" in data["lists"],
        "alerts": "alerts" in data["lists"],
        "language": data["language"],
        "consent_version": version,
        "consent_at": timezone.now(),
    }
    subscriber_sign_up(**choice)
    confirmation_send.enqueue(
        request_id=uuid.uuid4().hex, token=confirm_token(**choice), email=data["email"], language=data["language"]
    )
    return _page(request, None, sent=True)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The confirmation link: opening it shows a button (so that a mail scanner following links confirms nothing
    by itself); the button confirms."""
    try:
        data = read_confirm_token(token)
    except signing.BadSignature:
        return render(request, "newsletters/confirm.html", {"invalid": True}, status=400)
    if request.method == "GET":
        return render(request, "newsletters/confirm.html", {"token": token, "lists": _lists(data)})
    subscriber = subscriber_confirm(data=data)
    if subscriber is None:
        return render(request, "newsletters/confirm.html", {"invalid": True}, status=400)
    return render(request, "newsletters/confirm.html", {"confirmed": True, "lists": subscriber.lists})


def _lists(data):
    return [name for name in ("digest", "alerts") if data.get(name)]


# RFC 8058: a mail client's one-click unsubscribe is a POST from outside any page of ours, with no cookie and no
# token: the signed per-subscriber token in the URL stands in for CSRF's protection.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET (a reader following the link): a button, so that link scanners unsubscribe nobody. POST (that button,
    or the mail client's one-click `List-Unsubscribe-Post`): unsubscribed at once."""
    try:
        key = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "newsletters/unsubscribe.html", {"invalid": True}, status=400)
    # The list the message came from (its link says which); anything else, or none: every list.
    kind = request.GET.get("list") if request.GET.get("list") in LIST_FIELDS else None
    subscriber = None
    if kind or request.method == "GET":
        subscriber = Subscriber.objects.filter(key=key).only("digest", "alerts").first()
    # Only a list the subscriber is on, and not the last one: that is leaving everything.
    if kind and (subscriber is None or not getattr(subscriber, LIST_FIELDS[kind]) or len(subscriber.lists) < 2):
        kind = None
    if request.method == "GET":
        return render(request, "newsletters/unsubscribe.html", {"token": token, "known": subscriber is not None,
                                                                 "list": kind})  # fmt: skip
    subscriber_unsubscribe(key=key, kind=kind)
    return render(request, "newsletters/unsubscribe.html", {"done": True, "list": kind})
