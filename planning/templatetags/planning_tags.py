"""Template tags for the admin's templates: what a writer owes the desk, on its home page."""

from django import template

from ..models import PlannedStory

register = template.Library()


@register.simple_tag
def stories_owed(user, limit=20):
    """For the admin home: the open stories assigned to `user` (planned, or being written), the nearest deadline
    first, each with its section and current status, in one query. Empty for staff who cannot see the plan."""
    if not user.has_perm("planning.view_plannedstory"):
        return []
    return list(PlannedStory.objects.owed_by(user).for_desk()[:limit])
