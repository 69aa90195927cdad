"""What a comment's words say about it: block-listed words (after the Arabic normaliser), links, duplicates."""

import re

from core.arabic import normalize_arabic

from .models import BlockedWord, Comment

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
MAX_LINKS_UNHELD = 1  # two or more links: a moderator must look, whatever else holds


def blocked_words(*texts):
    """The BlockedWord rows found in `texts` as whole words, whatever their spelling: tatweel, tashkeel,
    presentation forms and zero-width characters do not hide a word."""
    normal = normalize_arabic(" ".join(texts))
    return [
        word for word in BlockedWord.objects.all() if re.search(rf"(?<!\w){re.escape(word.normalized)}(?!\w)", normal)
    ]


def link_count(body):
    return len(LINK.findall(body))


def is_duplicate(*, article, email, body):
    return Comment.objects.filter(article=article, email__iexact=email, body=body).exists()
