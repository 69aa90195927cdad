"""The sign-in's second step, and each staff member's own page of second factors (in the admin's look)."""

from base64 import b32encode

import segno
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .forms import CodeForm
from .middleware import second_factor_required
from .models import SecurityEvent
from .services.recovery_codes import recovery_codes_make
from .services.second_factors import has_second_factor, second_factor_remove, second_factors
from .services.second_steps import second_step_verify
from .services.security_events import security_event_record
from .services.totp_devices import totp_device_confirm, totp_device_start

TOTP_SESSION_KEY = "accounts:totp-device"

staff_only = staff_member_required(login_url="admin:login")


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _page(request, template, title, **context):
    return render(
        request,
        template,
        {**admin.site.each_context(request), "title": title, "next": _next(request), **context},
    )


def _recovery_codes_left(user) -> int | None:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else None


@never_cache
@sensitive_post_parameters("code")
@staff_only
def verify(request):
    """Second step of signing in: a passkey, a code from the authenticator app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not has_second_factor(user) and _recovery_codes_left(user) is None:
        return redirect(f"{reverse('accounts:security')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = second_step_verify(request=request, user=user, code=form.cleaned_data["code"])
        if step.device is not None:
            if isinstance(step.device, StaticDevice):
                security_event_record(
                    user=user, kind=SecurityEvent.Kind.RECOVERY_CODE_USED, actor=user, request=request
                )
                left = step.device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code: %(count)s is left. Add a new factor or make new codes.",
                        "You signed in with a recovery code: %(count)s are left. Add a new factor or make new codes.",
                        left,
                    )
                    % {"count": left},
                )
                return redirect(f"{reverse('accounts:security')}?{urlencode({'next': _next(request)})}")
            return redirect(_next(request))
        if step.wait_seconds:
            form.add_error(
                "code",
                ngettext(
                    "Wrong codes have been typed for this account: wait %(count)s second, then type the newest code.",
                    "Wrong codes have been typed for this account: wait %(count)s seconds, then type the newest code.",
                    step.wait_seconds,
                )
                % {"count": step.wait_seconds},
            )
        else:
            form.add_error(
                "code",
                _("That code is not right or has expired. Type the code your app shows now, or a recovery code."),
            )
    return _page(
        request,
        "accounts/verify.html",
        _("Confirm it is you"),
        form=form,
        has_passkey=WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
        has_app=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    )


def _require_verified(request):
    """Managing factors needs a verified session, except to enrol the very first one."""
    user = request.user
    if not user.is_verified() and (has_second_factor(user) or _recovery_codes_left(user) is not None):
        return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.get_full_path()})}")
    return None


@never_cache
@staff_only
def security(request):
    """The staff member's own second factors: what they have, and adding, replacing or removing them."""
    if (held := _require_verified(request)) is not None:
        return held
    user = request.user
    return _page(
        request,
        "accounts/security.html",
        _("Two-step sign-in"),
        apps=TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        passkeys=WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"),
        recovery_codes_left=_recovery_codes_left(user),
        enrolling=not has_second_factor(user),
        required=second_factor_required(),
    )


@never_cache
@sensitive_post_parameters("code")
@staff_only
def totp_add(request):
    """Add an authenticator app: scan the code (or type the key), then type back the code it shows."""
    if (held := _require_verified(request)) is not None:
        return held
    user = request.user
    device = TOTPDevice.objects.filter(
        pk=request.session.get(TOTP_SESSION_KEY), user=user, confirmed=False
    ).first() or totp_device_start(user=user)
    request.session[TOTP_SESSION_KEY] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["code"], request=request):
            del request.session[TOTP_SESSION_KEY]
            messages.success(request, _("Your authenticator app is set up: it gives your codes from now on."))
            if _recovery_codes_left(user) is None:
                return _show_recovery_codes(request)
            return redirect(f"{reverse('accounts:security')}?{urlencode({'next': _next(request)})}")
        form.add_error("code", _("That code is not right. Check the time on your phone and type the newest code."))
    uri = device.config_url
    key = b32encode(device.bin_key).decode()
    return _page(
        request,
        "accounts/totp_add.html",
        _("Add an authenticator app"),
        form=form,
        qr_svg=segno.make(uri, error="m").svg_inline(
            scale=4, dark="#000", light="#fff", title=_("Code to scan with your authenticator app")
        ),
        key=" ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    )


def _show_recovery_codes(request):
    codes = recovery_codes_make(user=request.user, request=request)
    return _page(request, "accounts/recovery_codes.html", _("Your recovery codes"), codes=codes)


@never_cache
@staff_only
def recovery_codes(request):
    """Make a new list of recovery codes (the old one stops working) and show it once."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if (held := _require_verified(request)) is not None:
        return held
    if not has_second_factor(request.user):
        # Recovery codes stand in for a factor; they are no factor of their own.
        return redirect("accounts:security")
    return _show_recovery_codes(request)


@never_cache
@staff_only
def factor_remove(request, kind, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if (held := _require_verified(request)) is not None:
        return held
    model = {"app": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        raise PermissionDenied
    device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    others = [d for d in second_factors(request.user) if d != device and not isinstance(d, StaticDevice)]
    if second_factor_required() and not others:
        messages.error(request, _("Add another factor first: your account must keep at least one."))
    else:
        second_factor_remove(device=device, request=request)
        messages.success(request, _("The factor is removed: it no longer signs you in."))
    return redirect("accounts:security")
