"""What the reader templates (Jinja2, newsroom/templating.py) get from the consent app."""

from django.conf import settings
from jinja2 import pass_context
from markupsafe import Markup

from .categories import categories
from .embeds import render_embeds
from .state import consent_state


@pass_context
def consent_banner(context):
    """The banner: open on a first visit, hidden (for the footer link to reopen) once the reader has chosen."""
    request = context["request"]
    state = consent_state(request)
    template = context.environment.get_template("consent/banner.html")
    return Markup(  # noqa: S704 - an autoescaping template's output
        template.render(
            {
                "state": state,
                # The settings page is the banner's long form: it does not show the banner as well.
                "open": state.ask and not context.get("consent_page"),
                "categories": categories(),
                "next": request.get_full_path(),
                "cookie_name": settings.NEWSROOM_CONSENT_COOKIE,
                "analytics_src": settings.NEWSROOM_ANALYTICS_SCRIPT_URL,
                "analytics_cookies": settings.NEWSROOM_ANALYTICS_COOKIES,
            }
        )
    )


@pass_context
def embeds(context, body):
    """Article HTML with media links from known providers as players (external media allowed) or placeholders."""
    request = context["request"]
    return render_embeds(body, allowed=consent_state(request).embeds, next_path=request.get_full_path())


GLOBALS = {"consent_banner": consent_banner, "embeds": embeds}
FILTERS = {}
