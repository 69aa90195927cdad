"""Media that reporters embed from other sites. An article body keeps a plain link; on the page, a paragraph that
holds nothing but a link to a known provider becomes a player once the reader has allowed external media, and a
placeholder (with a one-click «allow» and a plain link) until then. Nothing is loaded from the provider before."""

import html
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext


@dataclass(frozen=True)
class Provider:
    key: str
    name: Callable[[], str]
    pattern: re.Pattern
    player: str
    origin: str
    policy_url: str

    def player_url(self, url):
        match = self.pattern.match(url)
        return self.player.format(id=match[1]) if match else None


PROVIDERS = (
    Provider(
        key="youtube",
        name=lambda: pgettext("media provider", "YouTube"),
        pattern=re.compile(
            r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:[^#]*&)?v=|shorts/|embed/|live/)|youtu\.be/)"
            r"([A-Za-z0-9_-]{11})(?:[?&#/][^\s]*)?$"
        ),
        # The "no cookie" host sets no cookie until the reader presses play.
        player="https://www.youtube-nocookie.com/embed/{id}",
        origin="https://www.youtube-nocookie.com",
        policy_url="https://policies.google.com/privacy",
    ),
    Provider(
        key="vimeo",
        name=lambda: pgettext("media provider", "Vimeo"),
        pattern=re.compile(r"^https?://(?:www\.)?vimeo\.com/(\d{5,12})(?:[/?#][^\s]*)?$"),
        # dnt=1: Vimeo's player tracks no session data and sets no cookies of its own.
        player="https://player.vimeo.com/video/{id}?dnt=1",
        origin="https://player.vimeo.com",
        policy_url="https://vimeo.com/privacy",
    ),
)

# A paragraph that holds one link and nothing else (the sanitiser has already written the markup in a fixed form),
# or one bare address.
LONE_LINK = re.compile(
    r'<p(?: [a-z]+="[^"]*")*>\s*(?:<a href="(?P<href>[^"]+)"[^>]*>[^<]*</a>|(?P<bare>https?://[^\s<]+))\s*</p>'
)


def provider_for(url):
    for provider in PROVIDERS:
        player = provider.player_url(url)
        if player:
            return provider, player
    return None, None


def render_embeds(body, *, allowed, next_path):
    """The sanitised article HTML `body` with each lone provider link turned into a player or a placeholder."""
    numbers = itertools.count(1)

    def replace(match):
        url = html.unescape(match["href"] or match["bare"])
        provider, player = provider_for(url)
        if provider is None:
            return match[0]
        anchor = f"embed-{next(numbers)}"
        return render_to_string(
            "consent/embed.html",
            {
                "anchor": anchor,
                "provider": provider,
                "provider_name": provider.name(),
                "player": player,
                "link": url,
                "allowed": allowed,
                "next": f"{next_path}#{anchor}",
            },
        )

    return mark_safe(LONE_LINK.sub(replace, str(body)))  # noqa: S308 - sanitised HTML plus our own template
