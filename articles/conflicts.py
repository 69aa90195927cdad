"""Edit conflicts: what the other person changed, shown beside what this editor was about to save.

A save over a newer version is refused (services/articles.py, optimistic locking) with the editor's text kept in the
form. This module says what differs between the stored article (theirs) and the refused form (mine), field by field,
as two columns of text with the words each side has and the other lacks marked, so the editor can keep theirs, take
their own, or merge by hand and save again over the version they have now seen.
"""

import difflib
import html
import re
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

# Words and the spaces between them, so that a diff of words keeps the text's own spacing.
_TOKENS = re.compile(r"\s+|[^\s]+")
# Block ends become line breaks, other tags disappear: the diff is of what a reader reads.
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|tr)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def readable_text(value) -> str:
    """A field's value as text: rich text without its markup (paragraphs on their own lines), anything else as is."""
    text = "" if value is None else str(value)
    if "<" in text:
        text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", text)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class FieldConflict:
    name: str
    label: str
    language: str
    theirs: SafeString
    mine: SafeString


def _marked(tokens, spans, tag):
    """`tokens` as HTML, the runs in `spans` wrapped in <tag> (del for theirs, ins for mine)."""
    parts, position = [], 0
    for start, end in spans:
        parts.append(html.escape("".join(tokens[position:start])))
        parts.append(f"<{tag}>{html.escape(''.join(tokens[start:end]))}</{tag}>")
        position = end
    parts.append(html.escape("".join(tokens[position:])))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 (every piece is escaped above)


# Comparing words takes time in proportion to the product of the two lengths, and runs while the article's row is
# locked: beyond this (two texts of some 3,000 words each) each whole text is marked as changed.
MOST_WORDS_COMPARED = 40_000_000


def side_by_side(theirs: str, mine: str) -> tuple[SafeString, SafeString]:
    """Both texts as HTML, the words only the stored version has in <del>, those only the form has in <ins>."""
    old, new = _TOKENS.findall(theirs), _TOKENS.findall(mine)
    if len(old) * len(new) > MOST_WORDS_COMPARED:
        return _marked(old, [(0, len(old))], "del"), _marked(new, [(0, len(new))], "ins")
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    removed, added = [], []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation in ("replace", "delete"):
            removed.append((old_start, old_end))
        if operation in ("replace", "insert"):
            added.append((new_start, new_end))
    return _marked(old, removed, "del"), _marked(new, added, "ins")


def field_conflicts(stored: dict, submitted: dict, labels: dict, languages: dict) -> list[FieldConflict]:
    """The fields whose stored text differs from the form's, in the order of `labels`, each side by side."""
    conflicts = []
    for name, label in labels.items():
        theirs, mine = readable_text(stored.get(name)), readable_text(submitted.get(name))
        if theirs != mine:
            conflicts.append(FieldConflict(name, label, languages.get(name, ""), *side_by_side(theirs, mine)))
    return conflicts
