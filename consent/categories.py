"""The cookie categories a reader chooses between, and the cookies in each: the banner, the settings page and the
policy page all list them from here, so what readers are told is what the site does."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext, ngettext, pgettext

from core.staff import STAFF_COOKIE

ANALYTICS = "analytics"
EMBEDS = "embeds"
# Every optional category is off until the reader turns it on.
OPTIONAL_CATEGORIES = (ANALYTICS, EMBEDS)


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    description: str
    required: bool = False
    cookies: list = field(default_factory=list)
    note: str = ""


def _days(seconds):
    days = max(1, round(seconds / 86400))
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def _hours(seconds):
    hours = max(1, round(seconds / 3600))
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def necessary_cookies():
    return [
        Cookie(
            settings.NEWSROOM_CONSENT_COOKIE,
            gettext("Remembers your cookie choices and which version of the policy they answer."),
            _days(settings.NEWSROOM_CONSENT_REASK_DAYS * 86400),
        ),
        Cookie(
            settings.NEWSROOM_CONSENT_ID_COOKIE,
            gettext(
                "A random number, set only once you choose, that links your choices to our consent log so that "
                "we can show what you agreed to. It says nothing else about you."
            ),
            _days(settings.NEWSROOM_CONSENT_ID_DAYS * 86400),
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            gettext("Protects the forms (comments, data requests) against forgery. Set when you use a form."),
            _days(settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            settings.SESSION_COOKIE_NAME,
            gettext("Keeps editors and moderators logged in. Readers never get it."),
            _hours(settings.SESSION_COOKIE_AGE),
        ),
        Cookie(
            STAFF_COOKIE,
            gettext(
                "Tells our page cache that you are logged in as an editor, so that you see pages as they are now "
                "rather than the copy readers get. Set with the session; readers never get it."
            ),
            _hours(settings.SESSION_COOKIE_AGE),
        ),
        Cookie(
            settings.NEWSROOM_TRUSTED_DEVICE_COOKIE,
            gettext(
                "Remembers that this browser has signed in to an editor's account before, so that somebody else "
                "guessing that account's password cannot lock its owner out. Staff only; readers never get it."
            ),
            _days(settings.NEWSROOM_TRUSTED_DEVICE_DAYS * 86400),
        ),
    ]


def analytics_in_use():
    return bool(settings.NEWSROOM_ANALYTICS_SCRIPT_URL)


def analytics_cookies():
    return [
        Cookie(
            name,
            gettext("Set by our audience-measurement tool to count visits and returning readers."),
            _days(settings.NEWSROOM_CONSENT_ID_DAYS * 86400),
        )
        for name in settings.NEWSROOM_ANALYTICS_COOKIES
    ]


def categories():
    """The three categories in the order readers see them, in the active language."""
    from .embeds import PROVIDERS

    providers = pgettext("list separator", ", ").join(provider.name() for provider in PROVIDERS)
    return [
        Category(
            key="necessary",
            label=gettext("Strictly necessary"),
            description=gettext(
                "Needed for the site to work and to remember your choice. Always on; no other site sees them."
            ),
            required=True,
            cookies=necessary_cookies(),
        ),
        Category(
            key=ANALYTICS,
            label=gettext("Analytics"),
            description=gettext(
                "Lets us count visits and see which reports are read, to decide what to cover. The figures stay "
                "with us and are never sold or used for advertising."
            ),
            cookies=analytics_cookies() if analytics_in_use() else [],
            note="" if analytics_in_use() else gettext("No analytics tool is in use at present: nothing is loaded."),
        ),
        Category(
            key=EMBEDS,
            label=gettext("External media"),
            description=gettext(
                "Videos and other media that reporters embed from other sites (%(providers)s). Showing them "
                "connects your browser to those sites, which may set their own cookies and learn which page you "
                "read. Until you allow them you see a placeholder with a link instead."
            )
            % {"providers": providers},
            note=gettext(
                "Their cookies are set on the other sites' own domains: we can neither read nor delete them. "
                "Each site's privacy policy says what it keeps."
            ),
        ),
    ]
