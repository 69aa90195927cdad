"""
The reader templates' `date` filter: Django's, with each format string split once rather than on every call.

This is the one place that leaves Django's public API for speed: Django's `DateFormat.format()` splits the format
with `dateformat.re_formatchars` and unescapes literal text with `dateformat.re_escaped` on every call, and no
public API splits a format once for many dates. What it saves is in bench/README.md ("Figures behind decisions in
the code"). tests/test_article_page.py::test_the_date_filter_gives_what_djangos_gives holds it to Django's own
filter for every format character Django knows, in Arabic and English, so an upgrade that changes either regular
expression or adds a format character fails there rather than on readers' pages.
"""

import datetime
import functools

from django.utils import dateformat, formats, timezone


def localtime(value):
    """Aware datetimes in the newsroom's time zone, as Django's templates show them."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@functools.lru_cache(maxsize=64)
def _format_pieces(format_string):
    """`format_string` as (is a format character, text) pairs, split and unescaped as `DateFormat.format()` does."""
    pieces = []
    for index, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if index % 2:
            pieces.append((True, piece))
        elif piece:
            pieces.append((False, dateformat.re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


def date(value, format_name=None):
    """Django's `date` filter, format names such as "DATETIME_FORMAT" included, in the newsroom's time zone."""
    if value in (None, ""):
        return ""
    value = localtime(value)
    formatter = dateformat.DateFormat(value)
    try:
        return "".join(
            str(getattr(formatter, piece)()) if code else piece
            for code, piece in _format_pieces(str(formats.get_format(format_name or "DATE_FORMAT")))
        )
    except AttributeError:  # a time format character on a date: Django's filter shows nothing either
        return ""
