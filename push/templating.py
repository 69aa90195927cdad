"""What the reader templates (Jinja2, newsroom/templating.py) get from the push app: the breaking-news alerts
button, drawn hidden and shown by static/js/push.js only in browsers that can take Web Push. The same for every
reader (no token, no state): the page stays cacheable."""

from django.conf import settings
from jinja2 import pass_context
from markupsafe import Markup

from .sending import push_enabled


@pass_context
def push_button(context):
    if not push_enabled():
        return ""
    template = context.environment.get_template("push/button.html")
    key = settings.NEWSROOM_VAPID_PUBLIC_KEY
    return Markup(template.render({"vapid_public_key": key}))  # noqa: S704 - an autoescaping template's output


GLOBALS = {"push_button": push_button}
FILTERS = {}
