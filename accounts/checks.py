from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    """Staff who cover armed groups are phished and their passwords guessed: production asks every one of them for a
    second factor."""
    if settings.NEWSROOM_REQUIRE_SECOND_FACTOR:
        return []
    return [
        checks.Warning(
            "NEWSROOM_REQUIRE_SECOND_FACTOR is off: staff sign in with a password alone.",
            hint="Unset it (it is on whenever DJANGO_DEBUG is off), or set it to 1.",
            id="accounts.W001",
        )
    ]
