"""
A reader's cookie consent, read from two cookies:

- `consent` (NEWSROOM_CONSENT_COOKIE) holds the choice itself: the policy version it answers and the optional
  categories allowed, e.g. `3:analytics+embeds` or `3:none` (`3:embeds:gpc` if chosen while the browser sent
  GPC). It lives NEWSROOM_CONSENT_REASK_DAYS (six months), so the banner comes back when it expires. It takes a
  handful of values, so a cache can key pages on it; and the page's script reads it, so that a page from a cache
  or the back button follows the reader's latest choice, not the one it was rendered for.
- `consent_id` (NEWSROOM_CONSENT_ID_COOKIE) holds a random pseudonymous id for the consent log, at most 13 months.
  Pages never depend on it.

Pages depend only on `ConsentState.variant`, one of a few strings: that is what a page cache keys on, instead of
`Vary: Cookie` (DESIGN.md §6). The browser's Global Privacy Control signal (`Sec-GPC: 1`) counts as «reject all»,
over any choice made without it, until the reader chooses otherwise on the site while it is on.
"""

import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .categories import ANALYTICS, EMBEDS, OPTIONAL_CATEGORIES

logger = logging.getLogger(__name__)

POLICY_CACHE_KEY = "consent:policy-version"
# The last number read from the database, kept with no expiry: during a database outage pages still know it.
POLICY_LAST_KNOWN_KEY = "consent:policy-version:last"
# A version scheduled for later comes into effect within this many seconds of its time.
POLICY_CACHE_SECONDS = 60
CONSENT_ID = re.compile(r"^[0-9a-f]{32}$")
# `3:analytics+embeds`, with `:gpc` when the reader chose while their browser sent Global Privacy Control.
CHOICE = re.compile(r"^(?P<version>[0-9]{1,9}):(?P<categories>[a-z+]{1,40})(?P<gpc>:gpc)?$")


def current_policy_version():
    """The number of the policy version in effect (0 before there is any), from the shared cache when it can."""
    try:
        number = cache.get(POLICY_CACHE_KEY)
    except Exception:
        logger.warning("Policy version not cached: the cache is unavailable", exc_info=True)
        number = None
    if number is None:
        from django.db import DatabaseError

        from .models import PolicyVersion

        try:
            number = PolicyVersion.objects.in_effect().values_list("number", flat=True).first() or 0
        except DatabaseError:
            last = _cache_get(POLICY_LAST_KNOWN_KEY)
            if last is None:
                raise
            return last
        try:
            cache.set(POLICY_CACHE_KEY, number, POLICY_CACHE_SECONDS)
            cache.set(POLICY_LAST_KNOWN_KEY, number, None)
        except Exception:  # noqa: BLE001, S110 - already logged above; the page is served all the same
            pass
    return number


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache that is down knows nothing
        return None


def forget_policy_version():
    try:
        cache.delete(POLICY_CACHE_KEY)
    except Exception:
        logger.warning("Policy version cache not cleared: the cache is unavailable", exc_info=True)


@dataclass(frozen=True)
class ConsentState:
    policy_version: int
    chosen: bool
    categories: frozenset
    gpc: bool

    @property
    def ask(self):
        """Show the banner: no choice for the current policy, and no GPC signal standing in for one."""
        return not self.chosen and not self.gpc

    @property
    def analytics(self):
        return ANALYTICS in self.categories

    @property
    def embeds(self):
        return EMBEDS in self.categories

    @property
    def variant(self):
        """What a page rendered for this reader depends on: a cache keys pages on this, and nothing else."""
        if self.chosen:
            return "v{}:{}".format(self.policy_version, "+".join(sorted(self.categories)) or "none")
        return "v{}:{}".format(self.policy_version, "gpc" if self.gpc else "ask")


def parse_choice(value, policy_version, *, gpc=False):
    """
    The categories of a `consent` cookie value if it answers the current policy, else None. A browser now sending
    Global Privacy Control overrides a choice made without it (the reader has since asked every site to refuse);
    a choice made on the site while it was on stands.
    """
    match = CHOICE.fullmatch(value or "")
    if not match or int(match["version"]) != policy_version or policy_version == 0:
        return None
    if gpc and not match["gpc"]:
        return None
    names = match["categories"].split("+")
    if names == ["none"]:
        return frozenset()
    if not set(names) <= set(OPTIONAL_CATEGORIES):
        return None
    return frozenset(names)


def format_choice(policy_version, categories, *, gpc=False):
    names = "+".join(name for name in OPTIONAL_CATEGORIES if name in categories)
    return f"{policy_version}:{names or 'none'}{':gpc' if gpc else ''}"


def sends_gpc(request):
    # From META, not request.headers: building that mapping of every header took a tenth of a cached answer's time.
    return request.META.get("HTTP_SEC_GPC", "").strip() == "1"


def consent_state(request):
    """The reader's consent state, worked out once per request."""
    state = getattr(request, "_consent_state", None)
    if state is None:
        # The page cache may have read the version already, in the same round trip as its own keys.
        version = getattr(request, "_policy_version", None)
        if version is None:
            version = current_policy_version()
        gpc = sends_gpc(request)
        categories = parse_choice(request.COOKIES.get(settings.NEWSROOM_CONSENT_COOKIE), version, gpc=gpc)
        state = ConsentState(
            policy_version=version, chosen=categories is not None, categories=categories or frozenset(), gpc=gpc
        )
        request._consent_state = state
    return state


def consent_id(request):
    """The reader's pseudonymous consent id, or a new random one (128 bits, hexadecimal: safe in a CSV export) if
    they have none or a malformed one."""
    value = request.COOKIES.get(settings.NEWSROOM_CONSENT_ID_COOKIE, "")
    return value if CONSENT_ID.fullmatch(value) else secrets.token_hex(16)
