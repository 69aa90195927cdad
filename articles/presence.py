"""Who has an article's form open: the desk's notice «also open for hala, since 10:42».

Advisory only: optimistic locking (services/articles.py) is what keeps one save from undoing another; this tells an
editor before they start that a colleague is in the same article. An open form says it is still there every
HEARTBEAT_SECONDS (static/js/article-presence.js) and leaves when its page closes; each page load counts on its own
(a reload says it is there before the page it replaces says it leaves; a second tab outlives the first), and one
that goes silent (a closed laptop, a lost connection) drops out after PRESENCE_SECONDS. Kept in the shared cache, one
entry per article: two forms opened in the same instant may lose one of them until its next heartbeat, which is good
enough for a notice.
"""

from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

HEARTBEAT_SECONDS = 60
PRESENCE_SECONDS = 150


def _key(article_id: int) -> str:
    return f"article-open:{article_id}"


def _current(article_id: int, now: float) -> dict:
    entries = cache.get(_key(article_id)) or {}
    return {user: entry for user, entry in entries.items() if now - entry["seen"] < PRESENCE_SECONDS}


def presence_enter(*, article_id: int, user, page: str, now=None) -> list[dict]:
    """`user` has the article open in `page` (one page load: a reload or a second tab is another), since that page
    first said so; the others who have it open, longest first, one line per person: [{"name", "since"}] with `since`
    an aware datetime."""
    moment = (now or timezone.now()).timestamp()
    entries = _current(article_id, moment)
    key = f"{user.pk}:{page}"
    mine = entries.get(key, {"user": user.pk, "name": user.get_username(), "since": moment})
    entries[key] = {**mine, "seen": moment}
    cache.set(_key(article_id), entries, PRESENCE_SECONDS)
    return _others(entries, user)


def presence_leave(*, article_id: int, user, page: str) -> None:
    """`user` closed `page`: their other pages (a reloaded form, another tab) stay."""
    entries = cache.get(_key(article_id)) or {}
    if entries.pop(f"{user.pk}:{page}", None) is not None:
        cache.set(_key(article_id), entries, PRESENCE_SECONDS)


def _others(entries: dict, user) -> list[dict]:
    earliest = {}
    for entry in entries.values():
        if entry["user"] != user.pk and entry["since"] < earliest.get(entry["user"], {"since": float("inf")})["since"]:
            earliest[entry["user"]] = entry
    return [
        {"name": entry["name"], "since": datetime.fromtimestamp(entry["since"], tz=UTC)}
        for entry in sorted(earliest.values(), key=lambda entry: entry["since"])
    ]


def _moment(when: datetime) -> str:
    """A time today, a date and time before."""
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "TIME_FORMAT")
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def presence_sentence(others: list[dict]) -> str:
    """What the form says of the others, in the active language; empty when nobody else has it open."""
    if not others:
        return ""
    people = pgettext("list separator", ", ").join(
        _("%(name)s (since %(time)s)") % {"name": other["name"], "time": _moment(other["since"])} for other in others
    )
    return ngettext(
        "Also open for %(people)s: talk before you both save, or one of you will have to merge.",
        "Also open for %(people)s: talk before you all save, or some of you will have to merge.",
        len(others),
    ) % {"people": people}
