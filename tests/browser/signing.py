"""Signing in to the desk in a real browser, both steps, as a staff member does."""

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import totp_code


def password_step(page, username, password, path="/admin/"):
    page.goto(f"{path}login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("[type=submit]")


def sign_in_with_app(page, username, password, path="/admin/"):
    """The password, then the code of the account's authenticator app (one is set up for it if it has none)."""
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="phone", confirmed=True
    )
    password_step(page, username, password, path)
    page.fill("#id_code", totp_code(device))
    with page.expect_navigation(url=f"**{path}"):
        page.click(".second-factor__form [type=submit]")
