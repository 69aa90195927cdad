"""
The reader site's template engine: Jinja2, set up the way Django's own templates behave.

Readers' pages (everything under templates/ except the admin's overrides in templates/django/) are Jinja2
templates, which compile to Python functions: the uncached article page costs less than with Django's template
language (bench/README.md, "Figures behind decisions in the code"). The admin keeps Django's engine.

What the templates get, besides Django's `request`, `csrf_input` and the `site` context processor:
- translation: `{% trans %}` blocks (trimmed, as `{% blocktranslate trimmed %}`), `_()`, `ngettext()`,
  `pgettext()`, through Django's catalogs; `manage.py makemessages` reads these templates (newsroom/management/
  commands/makemessages.py);
- `url()`, `static()`, `get_language()`, `language_bidi()`, `other_languages()` and each app's helpers
  (`<app>/templating.py`);
- filters with Django's meaning where Jinja2's differ: `date` (in the newsroom's time zone, Django's format
  names, newsroom/date_filter.py), `linebreaksbr`, `iriencode`.
"""

import datetime

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import formats, timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import (
    get_language,
    get_language_bidi,
    get_language_info,
    gettext,
    ngettext,
    npgettext,
    override,
    pgettext,
)
from jinja2 import Environment, pass_context

from core.addresses import cached_reverse
from core.arabic import arabic_indic_digits, ltr_runs, to_hijri

from .date_filter import date, localtime

# Jinja2 options shared by the site's environment and the catalog extraction, so both read templates alike.
EXTENSIONS = ["jinja2.ext.i18n"]
POLICIES = {"ext.i18n.trimmed": True}


def url(name, *args, **kwargs):
    return cached_reverse(name, args=args, kwargs=kwargs)


_MINUTE = datetime.timedelta(minutes=1)


def isoformat(value):
    """
    A date or time for a `datetime` attribute: what `date:"c"` gives, for less, to the second. HTML allows at most
    three digits of a fraction of a second and an offset in whole minutes: a zone's local mean time before its
    first standard offset (Damascus was +02:25:12 until 1920) is written in UTC instead, the same instant.
    """
    if not value:
        return ""
    value = localtime(value)
    if not isinstance(value, datetime.datetime):
        return value.isoformat()  # a date
    offset = value.utcoffset()
    if offset is not None and offset % _MINUTE:
        value = value.astimezone(datetime.UTC)
    return value.isoformat(timespec="seconds")


def local_digits(value):
    """Digits in the reader's numerals: Arabic-Indic on Arabic pages when NEWSROOM_ARABIC_INDIC_DIGITS asks."""
    text = str(value)
    return arabic_indic_digits(text) if settings.NEWSROOM_ARABIC_INDIC_DIGITS and get_language() == "ar" else text


def dual_date(value):
    """
    A date as Arabic newspapers print it: weekday, Hijri date, and the Gregorian one, e.g.
    «السبت 16 رجب 1440 هـ الموافق 23 مارس 2019 م» (English: "Saturday 16 Rajab 1440 AH, 23 March 2019").
    Aware datetimes are turned into the newsroom's local date first: the day changes at local midnight.
    """
    if not value:
        return ""
    day = timezone.localtime(value).date() if timezone.is_aware(value) else value
    weekday = formats.date_format(day, "l")
    gregorian = formats.date_format(day, "DATE_FORMAT")
    hijri = to_hijri(day, get_language(), settings.NEWSROOM_HIJRI_OFFSET_DAYS)
    if hijri is None:
        text = gettext("%(weekday)s %(gregorian)s") % {"weekday": weekday, "gregorian": gregorian}
    else:
        text = gettext("%(weekday)s %(day)s %(month)s %(year)s %(era)s, %(gregorian)s") % {
            "weekday": weekday,
            "day": hijri.day,
            "month": hijri.month_name,
            "year": hijri.year,
            "era": hijri.notation,
            "gregorian": gregorian,
        }
    return local_digits(text)


def isolate_latin(text):
    """Escape `text` and wrap each Latin run in <bdi>, so «يتعلم البرمجة بلغة C++» keeps «C++» in order on a
    right-to-left page. Left-to-right pages need no help and get the text as it is."""
    text = str(text or "")
    if not get_language_bidi():
        return conditional_escape(text)
    pieces, last = [], 0
    for start, end in ltr_runs(text):
        pieces += [conditional_escape(text[last:start]), format_html("<bdi>{}</bdi>", text[start:end])]
        last = end
    pieces.append(conditional_escape(text[last:]))
    return mark_safe("".join(str(piece) for piece in pieces))  # noqa: S308 - every piece is escaped


def linebreaksbr(text):
    return defaultfilters.linebreaksbr(text, autoescape=True)


@pass_context
def other_languages(context):
    """
    The current page in each other language, for the language switch and the `hreflang` alternates.

    Each entry has `code`, `name` (in its own language), `url` and `same_page`. The path is reversed in that
    language, so the reader stays on the same page. Where the page does not exist in that language (a view lists
    the languages it exists in as `page_languages`; a 404 resolves to nothing) the link leads to that language's
    home page instead, and `same_page` is false, so no `hreflang` alternate is announced. The query string is
    dropped: page 7 of a list may not exist in the other language.
    """
    path = context["request"].path
    available = context.get("page_languages")
    try:
        resolve(path)
    except Resolver404:
        available = ()
    alternates = []
    for code, _name in settings.LANGUAGES:
        if code == get_language():
            continue
        same_page = available is None or code in available
        if same_page:
            address = translate_url(path, code)
        else:
            with override(code):
                address = reverse("home")
        alternates.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": address, "same_page": same_page}
        )
    return alternates


def environment(**options):
    from articles import templating as articles
    from comments import templating as comments
    from consent import templating as consent
    from live import templating as live
    from push import templating as push

    options.pop("autoescape", None)  # Django's backend asks for autoescaping; this site never turns it off
    env = Environment(extensions=EXTENSIONS, autoescape=True, **options)
    env.policies.update(POLICIES)
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)
    env.globals.update(
        url=url,
        static=static,
        get_language=get_language,
        language_bidi=get_language_bidi,
        other_languages=other_languages,
    )
    env.filters.update(
        date=date,
        isoformat=isoformat,
        local_digits=local_digits,
        dual_date=dual_date,
        isolate_latin=isolate_latin,
        linebreaksbr=linebreaksbr,
        iriencode=iri_to_uri,
    )
    for app in (articles, comments, consent, live, push):
        env.globals.update(app.GLOBALS)
        env.filters.update(app.FILTERS)
    return env
