"""How tags are typed in a form: separated by commas, Latin «,» or Arabic «،».

taggit's default parser splits on spaces when there is no comma, which would cut «دير الزور» into two tags; place
and people names in Arabic are often two or three words, so only commas separate tags here.
"""

import re

_SEPARATORS = re.compile("[,\u060c]")


def tags_from_string(text):
    names = (" ".join(part.split()) for part in _SEPARATORS.split(text or ""))
    return sorted({name.strip('"') for name in names if name.strip('"')})


def string_from_tags(tags):
    return "، ".join(tag.name for tag in tags)
