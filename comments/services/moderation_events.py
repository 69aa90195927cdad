"""The moderation log: one row per comment per act, written by the service that acts, in its transaction."""

from collections.abc import Iterable
from datetime import datetime

from ..models import ModerationEvent


def moderation_events_record(*, comments: Iterable[tuple[int, str]], action: str, by, at: datetime) -> int:
    """Log `action` on each `(comment id, status before)`; one INSERT whatever the number of comments."""
    events = ModerationEvent.objects.bulk_create(
        ModerationEvent(comment_id=pk, comment_number=pk, action=action, status_before=status, by=by, at=at)
        for pk, status in comments
    )
    return len(events)
