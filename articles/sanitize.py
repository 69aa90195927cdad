"""The one allow-list for article HTML: applied when an article is saved (the rich-text field's sanitiser) and
again when it is shown. It matches what the editor offers (models.BODY_EXTENSIONS)."""

import nh3
from django.conf import settings

BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "a", "strong", "em", "b", "i", "sub", "sup",
    "hr", "bdi", "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "*": {"dir", "lang"},
}


def _own_photos_only(tag, attribute, value):
    """Inline images may show our own renditions only: a photo from elsewhere would make every reader's browser
    call a third party (and the CSP would block it anyway)."""
    if tag == "img" and attribute == "src":
        return value if value.startswith(f"{settings.MEDIA_URL}renditions/") else None
    return value


def clean_body(html: str) -> str:
    """Sanitise article HTML against the allow-list above."""
    return nh3.clean(
        html or "",
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        attribute_filter=_own_photos_only,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        # Photos inside the text are below the fold: the browser fetches them as the reader scrolls.
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )
