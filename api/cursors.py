"""
Opaque cursors for the API's lists: where the next page starts, signed so that a cursor the API did not make is
refused (400) instead of read as some other position. The same cursor is the same text for every client, so a page
of a list is one address, cached like any page.

What a cursor holds depends on the list: (published_at, id) of the last article shown, the sequence of the last live
entry, the id of the last tag or author, the offset into ranked search results.
"""

from django.core import signing

SALT = "api.cursor"


class BadCursor(ValueError):
    """A cursor that was not made by this API for this list (tampered with, truncated, from another list)."""


def cursor_make(kind, *values):
    return signing.dumps([kind, *values], salt=SALT, compress=False)


def cursor_read(cursor, kind, types):
    """The values `cursor_make(kind, …)` put in `cursor`, each checked against `types`; BadCursor otherwise."""
    try:
        stored = signing.loads(cursor, salt=SALT)
    except signing.BadSignature as error:
        raise BadCursor(cursor) from error
    if not isinstance(stored, list) or len(stored) != len(types) + 1 or stored[0] != kind:
        raise BadCursor(cursor)
    values = stored[1:]
    if not all(
        isinstance(value, expected) and not isinstance(value, bool)
        for value, expected in zip(values, types, strict=True)
    ):
        raise BadCursor(cursor)
    return values
