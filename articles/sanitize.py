import nh3

# What an article body may contain: structure and links, nothing that runs or styles itself.
BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "a", "strong", "em", "b", "i",
    "bdi", "figure", "figcaption", "hr", "sub", "sup",
}  # fmt: skip
BODY_ATTRIBUTES = {"a": {"href", "title"}, "*": {"dir", "lang"}}


def clean_body(html: str) -> str:
    """Sanitise article HTML against the allow-list above (the editor sanitises on save; this is the last line)."""
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
