from django import template

from ..models import LivePage

register = template.Library()


@register.simple_tag
def live_desk(user):
    """For the admin home: the pages being covered live, each a tap away from its posting form; empty for staff who
    do not post (moderators)."""
    if not user.has_perm("live.add_liveentry"):
        return []
    return list(
        LivePage.objects.published()
        .filter(live_started_at__isnull=False, live_ended_at__isnull=True)
        .only("pk", "headline_ar", "headline_en", "live_started_at")
        .order_by("-live_started_at")
    )
