from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff accounts: the second factor at sign-in, its enrolment and reset, and login throttling."""

    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        from core import staff

        from . import checks, signal_handlers  # noqa: F401 - checks registers the deployment check
        from .middleware import second_factor_passed

        signal_handlers.connect()
        # Only a session that passed its second factor is staff's to the page cache and the replica router.
        staff.require_of_staff(second_factor_passed)
